import { afterAll, describe, expect, it } from 'vitest'
import { main } from '../src/cli/main.js'
import { copyDemo } from './cli-harness.js'

describe('assess --format json', () => {
  const demo = copyDemo()
  afterAll(demo.cleanup)

  it('hands standard output the result a piece at a time, never as one text', async () => {
    const { GITHUB_ACTIONS: _actions, GITHUB_STEP_SUMMARY: _summary, ...env } = process.env
    const pieces: string[] = []
    let out = ''
    let stderr = ''
    const code = await main(['assess', '--format', 'json'], {
      cwd: demo.dir,
      out: (text) => {
        out += text
      },
      outChunks: async (chunks) => {
        for (const chunk of chunks) pieces.push(chunk)
      },
      err: (text) => {
        stderr += text
      },
      interactive: false,
      env,
    })
    expect(stderr).toBe('')
    expect(code).toBe(0)
    expect(out).toBe('')
    expect(pieces.length).toBeGreaterThan(10)
    const text = pieces.join('')
    const result = JSON.parse(text) as { findings: unknown[]; summary: { findingsByStatus: object } }
    // The text JSON.stringify writes of what it says, line end and all.
    expect(text).toBe(`${JSON.stringify(result, null, 2)}\n`)
    const counted = Object.values(result.summary.findingsByStatus).reduce((a: number, b) => a + Number(b), 0)
    expect(result.findings).toHaveLength(counted)
  }, 120_000)
})
