import { mkdirSync, mkdtempSync, realpathSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { ConfigError } from '../core/errors.js'
import { collectSources, knownSourceTypes, validateSources } from './registry.js'
import { defineSourceCollector, type SourceContext } from './source-collector.js'

const seen: SourceContext[] = []

const echo = defineSourceCollector({
  type: 'echo',
  summary: 'test collector that reports its settings as one evidence item',
  options: z.strictObject({ type: z.literal('echo'), name: z.string() }),
  collect: async (options, context) => {
    seen.push(context)
    return {
      evidence: [
        {
          kind: 'k8s.namespace',
          resourceKind: 'Namespace',
          name: options.name,
          file: context.where,
          labels: {},
          annotations: {},
        },
      ],
      errors: [],
      inputs: [],
    }
  },
})

const broken = defineSourceCollector({
  type: 'broken',
  summary: 'test collector that always throws',
  options: z.strictObject({ type: z.literal('broken') }),
  collect: async () => {
    throw new Error('the API answered 500')
  },
})

const collectors = [echo, broken]

describe('validateSources', () => {
  it('names the source and lists the known types for an unknown type', () => {
    const run = () => validateSources([{ type: 'terraformm' }], 'trustctl.yaml', collectors)
    expect(run).toThrow(ConfigError)
    expect(run).toThrow('trustctl.yaml: sources[0].type: unknown source type "terraformm"')
    try {
      run()
    } catch (error) {
      expect((error as ConfigError).hint).toContain('echo')
    }
  })

  it("validates a collector's settings with the key path", () => {
    expect(() => validateSources([{ type: 'echo', name: 'a', nmae: 'b' }], 'x.yaml', collectors)).toThrow(
      'x.yaml: sources[0].nmae: unknown key (did you mean "name"?)',
    )
    expect(() => validateSources([{ type: 'echo' }], 'x.yaml', collectors)).toThrow(/sources\[0\]\.name/)
    expect(() => validateSources([{ type: 'echo', name: 'ok' }], 'x.yaml', collectors)).not.toThrow()
  })

  it('requires a path and no foreign settings for repository-file types', () => {
    expect(() => validateSources([{ type: 'kubernetes' }], 'x.yaml', collectors)).toThrow(
      'sources[0].path: required',
    )
    expect(() =>
      validateSources([{ type: 'auto', path: '.', region: 'eu-west-1' }], 'x.yaml', collectors),
    ).toThrow('sources[0].region: unknown setting for type auto')
  })

  it('knows the repository-file types and every registered collector', () => {
    expect(knownSourceTypes()).toEqual(expect.arrayContaining(['auto', 'kubernetes', 'dockerfile']))
  })
})

describe('collectSources', () => {
  it('reads files and collectors together, and a throwing collector does not stop the others', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'trustctl-registry-'))
    writeFileSync(path.join(root, 'ns.yaml'), 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: web\n')
    const collection = await collectSources(
      [{ type: 'broken' }, { type: 'auto', path: '.' }, { type: 'echo', name: 'from-echo' }],
      { root, now: new Date('2026-06-30T00:00:00Z'), env: {} },
      collectors,
    )
    expect(collection.evidence.map((e) => e.name).sort()).toEqual(['from-echo', 'web'])
    expect(collection.errors).toEqual([{ file: 'sources[0]', message: 'broken: the API answered 500' }])
    expect(seen.at(-1)?.where).toBe('sources[2]')
  })
})

describe('sources outside the repository', () => {
  it('refuses a source path that leads out of the repository unless allowOutside says so', async () => {
    const base = mkdtempSync(path.join(tmpdir(), 'trustctl-outside-'))
    const repo = path.join(base, 'repo')
    const outside = path.join(base, 'elsewhere')
    mkdirSync(repo)
    mkdirSync(outside)
    writeFileSync(
      path.join(outside, 'ns.yaml'),
      'apiVersion: v1\nkind: Namespace\nmetadata: {name: leaked}\n',
    )
    const context = { root: repo, now: new Date('2026-12-01T00:00:00Z'), env: {} }
    const refused = await collectSources([{ type: 'auto', path: '../elsewhere' }], context)
    expect(refused.evidence).toEqual([])
    expect(refused.errors).toEqual([
      {
        file: '../elsewhere',
        message: `sources[0].path leads out of the repository (to ${realpathSync(outside)}): not read`,
        hint: 'set allowOutside: true on the source in trustctl.yaml to read a path outside the repository',
      },
    ])
    const allowed = await collectSources(
      [{ type: 'auto', path: '../elsewhere', allowOutside: true }],
      context,
    )
    expect(allowed.evidence.map((e) => e.name)).toEqual(['leaked'])
    expect(() =>
      validateSources([JSON.parse('{"type":"auto","path":".","allowOutside":"yes"}')], 'trustctl.yaml'),
    ).toThrow('sources[0].allowOutside: expected true or false')
  })
})

describe('an auto source beside typed ones', () => {
  it('leaves Terraform and reports to the typed sources that name them, so nothing is read twice', async () => {
    const { mkdtemp, mkdir, writeFile } = await import('node:fs/promises')
    const os = await import('node:os')
    const root = await mkdtemp(path.join(os.tmpdir(), 'trustctl-claimed-'))
    await mkdir(path.join(root, 'infra'))
    await writeFile(
      path.join(root, 'infra/main.tf'),
      'resource "aws_s3_bucket" "logs" {\n  bucket = "logs"\n}\n',
    )
    const collection = await collectSources(
      [
        { type: 'auto', path: '.' },
        { type: 'terraform', path: 'infra' },
      ],
      { root, now: new Date('2026-11-30T00:00:00Z'), env: {} },
    )
    expect(collection.inputs.map((i) => [i.file, i.collector])).toEqual([['infra/main.tf', 'terraform']])
    expect(collection.evidence.filter((e) => e.kind === 'aws.s3-bucket')).toHaveLength(1)
  })
})
