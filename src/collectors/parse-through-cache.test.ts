import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { collectSources } from './registry.js'
import type { FileCollection, ParseCache, ParsedInput } from './source-collector.js'

// Incremental runs for the source types beyond the repository files: a Terraform plan, a CloudFormation
// template, and the plans, templates and manifests an `auto` walk recognises in JSON are parsed once
// per content; a re-run over the same bytes takes the result from the cache and parses nothing.

const dir = mkdtempSync(path.join(os.tmpdir(), 'trustctl-parse-through-cache-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const testdata = path.join(import.meta.dirname, 'terraform', 'testdata')
const scannerData = path.join(import.meta.dirname, 'scanners', 'testdata')

/** A cache in memory that records what it was asked and given. */
function memoryCache(): ParseCache & { entries: Map<string, ParsedInput>; asked: string[] } {
  const entries = new Map<string, ParsedInput>()
  const asked: string[] = []
  return {
    entries,
    asked,
    get: async (key) => {
      asked.push(key)
      return entries.get(key)
    },
    set: (key, parsed) => {
      entries.set(key, parsed)
    },
  }
}

function project(name: string, files: Record<string, string>): string {
  const root = path.join(dir, name)
  mkdirSync(root, { recursive: true })
  for (const [to, from] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, to)), { recursive: true })
    copyFileSync(from, path.join(root, to))
  }
  return root
}

const collect = (root: string, sources: { type: string; path: string }[], parseCache: ParseCache) =>
  collectSources(sources, { root, now: new Date('2026-12-01T00:00:00Z'), env: {}, parseCache })

/** Replaces the one cached result with a marker item, so a reuse is told apart from a parse. */
function markCached(cache: ReturnType<typeof memoryCache>): string {
  const [key, parsed] = [...cache.entries][0] ?? []
  if (key === undefined || parsed === undefined) throw new Error('nothing was cached')
  const first = parsed.evidence[0]
  if (first === undefined) throw new Error('the cached result holds no evidence')
  cache.entries.set(key, { ...parsed, evidence: [{ ...first, name: 'from-the-cache' }] })
  return key
}

const names = (c: FileCollection) => c.evidence.map((e) => e.name)

describe('parse cache for plans and templates', () => {
  it.each([
    ['terraform-plan', 'plan.json', path.join(testdata, 'acme-plan.json')],
    ['cloudformation', 'stack.yaml', path.join(testdata, 'reporting-stack.yaml')],
  ])(
    'a %s source reuses the result for the same bytes and parses changed bytes',
    async (type, file, from) => {
      const root = project(type, { [file]: from })
      const cache = memoryCache()
      const cold = await collect(root, [{ type, path: file }], cache)
      expect(cold.evidence.length).toBeGreaterThan(0)
      expect(cold.inputs).toEqual([expect.not.objectContaining({ reused: true })])
      expect([...cache.entries.keys()]).toEqual([
        expect.stringMatching(new RegExp(`^${type}:[0-9a-f]{64}:${file}$`)),
      ])
      markCached(cache)

      const warm = await collect(root, [{ type, path: file }], cache)
      expect(names(warm)).toEqual(['from-the-cache'])
      expect(warm.inputs).toEqual([
        expect.objectContaining({ file, collector: type, reused: true, items: 1 }),
      ])

      // Other bytes are another key: parsed afresh, never the stale result.
      writeFileSync(path.join(root, file), type === 'cloudformation' ? '\n# edited\n' : '\n', { flag: 'a' })
      const changed = await collect(root, [{ type, path: file }], cache)
      expect(names(changed)).not.toContain('from-the-cache')
      expect(changed.inputs).toEqual([expect.not.objectContaining({ reused: true })])
    },
  )

  it('keeps a plan that cannot be read as its error, hint included, and gives it back the same', async () => {
    const root = project('bad-plan', {})
    writeFileSync(path.join(root, 'plan.json'), '{"format_version": "1.2",\n "planned_values": {')
    const cache = memoryCache()
    const cold = await collect(root, [{ type: 'terraform-plan', path: 'plan.json' }], cache)
    expect(cold.errors).toEqual([
      expect.objectContaining({ file: 'plan.json', hint: expect.stringContaining('terraform show -json') }),
    ])
    const warm = await collect(root, [{ type: 'terraform-plan', path: 'plan.json' }], cache)
    expect(warm.errors).toEqual(cold.errors)
    expect(warm.inputs).toEqual([expect.objectContaining({ reused: true, items: 0 })])
  })
})

describe('parse cache for JSON an auto walk recognises', () => {
  it('caches a plan found by the walk apart from the typed source, and never a scanner report', async () => {
    const root = project('walk', {
      'infra/plan.json': path.join(testdata, 'acme-plan.json'),
      'reports/gitleaks.json': path.join(scannerData, 'gitleaks-report.json'),
    })
    const cache = memoryCache()
    const cold = await collect(root, [{ type: 'auto', path: '.' }], cache)
    expect(cold.inputs.map((i) => [i.file, i.collector])).toEqual([
      ['infra/plan.json', 'terraform-plan'],
      ['reports/gitleaks.json', 'scan-report'],
    ])
    // The report's evidence counts ages from the run's clock and salts fingerprints: never cached.
    expect([...cache.entries.keys()]).toEqual([
      expect.stringMatching(/^auto-terraform-plan:[0-9a-f]{64}:infra\/plan\.json$/),
    ])
    expect(cache.asked.some((key) => key.includes('gitleaks'))).toBe(false)
    markCached(cache)

    const warm = await collect(root, [{ type: 'auto', path: '.' }], cache)
    expect(names(warm)).toContain('from-the-cache')
    expect(warm.inputs.find((i) => i.file === 'infra/plan.json')).toMatchObject({ reused: true })
    expect(warm.inputs.find((i) => i.file === 'reports/gitleaks.json')).not.toHaveProperty('reused')
  })

  it('reports a reused JSON template as CloudFormation and a reused JSON manifest as Kubernetes', async () => {
    const root = project('walk-json', {})
    writeFileSync(
      path.join(root, 'stack.json'),
      JSON.stringify({
        AWSTemplateFormatVersion: '2010-09-09',
        Resources: { Logs: { Type: 'AWS::S3::Bucket', Properties: { BucketName: 'logs' } } },
      }),
    )
    writeFileSync(
      path.join(root, 'ns.json'),
      JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } }),
    )
    const cache = memoryCache()
    const cold = await collect(root, [{ type: 'auto', path: '.' }], cache)
    const warm = await collect(root, [{ type: 'auto', path: '.' }], cache)
    const collectors = (c: FileCollection) => c.inputs.map((i) => [i.file, i.collector, i.reused === true])
    expect(collectors(cold)).toEqual([
      ['ns.json', 'kubernetes', false],
      ['stack.json', 'cloudformation', false],
    ])
    expect(collectors(warm)).toEqual([
      ['ns.json', 'kubernetes', true],
      ['stack.json', 'cloudformation', true],
    ])
    expect(warm.evidence).toEqual(cold.evidence)
  })
})

/** Writes a project of the given texts (path → content) and returns its folder. */
function projectOf(name: string, files: Record<string, string>): string {
  const root = path.join(dir, name)
  for (const [to, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, to)), { recursive: true })
    writeFileSync(path.join(root, to), text)
  }
  return root
}

const mainTf = `
variable "env" { default = "dev" }
resource "aws_s3_bucket" "logs" { bucket = "acme-\${var.env}-logs" }
module "db" {
  source = "./modules/db"
  encrypted = true
}
`
const dbModuleTf = `
variable "encrypted" {}
resource "aws_db_instance" "main" { storage_encrypted = var.encrypted }
`

const buckets = (c: FileCollection) => c.evidence.filter((e) => e.kind === 'aws.s3-bucket').map((e) => e.name)

describe('parse cache for Terraform source', () => {
  it.each([
    ['a terraform source', [{ type: 'terraform', path: 'infra' }]],
    ['an auto walk', [{ type: 'auto', path: '.' }]],
  ])('%s reuses the result of the same files and parses again when one changes', async (label, sources) => {
    const root = projectOf(`tf-${label.replaceAll(' ', '-')}`, {
      'infra/main.tf': mainTf,
      'infra/terraform.tfvars': 'env = "prod"\n',
      'infra/modules/db/main.tf': dbModuleTf,
      'infra/broken.tf': 'resource "aws_s3_bucket" "x" {\n  bucket = \n}\n',
    })
    const cache = memoryCache()
    const cold = await collect(root, sources, cache)
    expect(names(cold)).toEqual(
      expect.arrayContaining(['aws_s3_bucket.logs', 'module.db.aws_db_instance.main']),
    )
    expect(cold.errors).toEqual([expect.objectContaining({ file: 'infra/broken.tf', line: 2 })])
    expect(cold.inputs.every((input) => input.reused !== true)).toBe(true)
    // One entry for the module set as a whole: what a module makes of its files depends on them all.
    expect([...cache.entries.keys()]).toEqual([expect.stringMatching(/^terraform:[0-9a-f]{64}:/)])

    const again = await collect(root, sources, cache)
    expect(again.evidence).toEqual(cold.evidence)
    expect(again.errors).toEqual(cold.errors)
    expect(again.inputs).toEqual(cold.inputs.map((input) => ({ ...input, reused: true })))

    markCached(cache)
    expect(names(await collect(root, sources, cache))).toEqual(['from-the-cache'])

    // A changed module file (not the caller) is another set: parsed again, never the stale result.
    writeFileSync(path.join(root, 'infra/modules/db/main.tf'), dbModuleTf.replace('var.encrypted', 'false'))
    const changed = await collect(root, sources, cache)
    expect(names(changed)).not.toContain('from-the-cache')
    expect(changed.inputs.every((input) => input.reused !== true)).toBe(true)
    expect(changed.evidence.find((e) => e.name === 'module.db.aws_db_instance.main')).toMatchObject({
      storageEncrypted: false,
    })
  })

  it('does not cache a set whose modules are read from outside it', async () => {
    const installed = projectOf('tf-installed', {
      'main.tf': 'module "b" {\n  source = "acme/bucket/aws"\n}\n',
      '.terraform/modules/modules.json': JSON.stringify({
        Modules: [{ Key: 'b', Source: 'acme/bucket/aws', Dir: '.terraform/modules/b' }],
      }),
      '.terraform/modules/b/main.tf': 'resource "aws_s3_bucket" "this" { bucket = "b" }\n',
    })
    const outside = projectOf('tf-outside', {
      'live/main.tf': 'module "b" {\n  source = "../modules/bucket"\n}\n',
      'modules/bucket/main.tf': 'resource "aws_s3_bucket" "this" { bucket = "b" }\n',
    })
    for (const [root, sourcePath] of [
      [installed, '.'],
      [outside, 'live'],
    ] as const) {
      const cache = memoryCache()
      const cold = await collect(root, [{ type: 'terraform', path: sourcePath }], cache)
      expect(buckets(cold)).toEqual(['module.b.aws_s3_bucket.this'])
      expect(cache.entries.size).toBe(0)
      // The module's own file changes without any file of the set changing: the run must see it.
      const moduleFile = root === installed ? '.terraform/modules/b/main.tf' : 'modules/bucket/main.tf'
      writeFileSync(path.join(root, moduleFile), 'resource "aws_s3_bucket" "other" { bucket = "b" }\n')
      expect(buckets(await collect(root, [{ type: 'terraform', path: sourcePath }], cache))).toEqual([
        'module.b.aws_s3_bucket.other',
      ])
    }
  })
})
