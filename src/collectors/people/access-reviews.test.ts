import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { collectSources } from '../registry.js'

const dir = mkdtempSync(path.join(os.tmpdir(), 'trustctl-access-reviews-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const now = new Date('2026-12-01T00:00:00Z')

const campaign = {
  id: 'github-2026-11-02',
  system: 'github',
  reviewer: 'dana@example.com',
  openedAt: '2026-11-02T09:00:00Z',
  snapshot: {},
  accounts: [{ accountId: 'octocat', active: true }],
  decisions: [
    { accountId: 'octocat', decision: 'keep', reason: 'maintainer', decidedAt: '2026-11-03T09:00:00Z' },
  ],
  closedAt: '2026-11-04T09:00:00Z',
}

async function collect(name: string, content: string) {
  writeFileSync(path.join(dir, name), content)
  return collectSources([{ type: 'access-reviews', path: name, exportedAt: '2026-11-30' }], {
    root: dir,
    now,
    env: {},
  })
}

describe('access-reviews source', () => {
  it('reads campaigns as people.access-review evidence, observed at the export date', async () => {
    const { evidence, errors } = await collect('ok.json', JSON.stringify([campaign]))
    expect(errors).toEqual([])
    expect(evidence).toMatchObject([
      {
        kind: 'people.access-review',
        name: 'github-2026-11-02',
        status: 'closed',
        observedAt: '2026-11-30T23:59:59Z',
      },
    ])
  })

  it('names the file and the field of a campaign that does not match, and keeps nothing of it', async () => {
    const bad = { ...campaign, decisions: [{ ...campaign.decisions[0], decision: 'maybe' }] }
    const { evidence, errors } = await collect('bad.json', JSON.stringify({ campaigns: [bad] }))
    expect(evidence).toEqual([])
    expect(errors.map((e) => `${e.file}: ${e.message}`).join('\n')).toMatch(
      /^bad\.json: campaigns\.0\.decisions\.0\.decision: /m,
    )
  })

  it('reports a file that is not JSON', async () => {
    const { errors } = await collect('broken.json', '[{')
    expect(errors[0]?.message).toMatch(/^not valid JSON/)
  })
})
