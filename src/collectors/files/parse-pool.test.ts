import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { collectFiles } from './collect-files.js'
import { type ParsedReader, parseFile } from './parse-file.js'
import { batchBytes, FileParser, parallelAfterBytes, setParseWorkerFile } from './parse-pool.js'

/**
 * Files parsed on the pool's worker threads give exactly what they give on the calling thread, in
 * the walk's order, and the pool starts only on a large walk with a core to spare. The worker runs
 * from JavaScript, so this test compiles it (and only what it imports) with the project's tsc first.
 */

const checkout = path.resolve(import.meta.dirname, '..', '..', '..')
const build = path.join(checkout, 'test-artifacts', `parse-worker-${process.pid}`)
const worker = path.join(build, 'out', 'src', 'collectors', 'files', 'parse-worker.js')
const root = mkdtempSync(path.join(os.tmpdir(), 'trustctl-parse-pool-'))

/** About 30 KB a file: Deployments good and bad, Services, a Dockerfile now and then, one broken file. */
function manifests(i: number): string {
  const docs = Array.from({ length: 40 }, (_, j) => {
    const name = `svc-${i}-${j}`
    return j % 3 === 0
      ? `apiVersion: v1\nkind: Service\nmetadata: { name: ${name}, namespace: team-${i % 5} }\nspec:\n  type: ${j % 9 === 0 ? 'LoadBalancer' : 'ClusterIP'}\n  ports: [{ port: 80 }]\n`
      : `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\n  namespace: team-${i % 5}\nspec:\n  replicas: ${j % 4}\n  template:\n    spec:\n      containers:\n        - name: app\n          image: registry.example.com/${name}:${j % 2 === 0 ? 'latest' : '1.2.3'}\n          securityContext: { runAsNonRoot: ${j % 2 === 0}, privileged: ${j % 7 === 0} }\n          env: [{ name: MODE, value: "${'x'.repeat(j * 5)}" }]\n`
  })
  return `# file ${i} ✓\n${docs.join('---\n')}`
}

const fileCount = 160
beforeAll(() => {
  mkdirSync(path.join(root, 'deploy'), { recursive: true })
  for (let i = 0; i < fileCount; i++) {
    const dir = path.join(root, 'deploy', `app-${i % 11}`)
    mkdirSync(dir, { recursive: true })
    const text = i === 77 ? 'apiVersion: v1\nkind: [unclosed\n' : manifests(i)
    writeFileSync(path.join(dir, `m-${String(i).padStart(3, '0')}.yaml`), text)
    if (i % 10 === 0)
      writeFileSync(path.join(dir, 'Dockerfile'), `FROM node:22\nUSER ${i % 20 === 0 ? 'root' : 'node'}\n`)
  }
  mkdirSync(build, { recursive: true })
  writeFileSync(
    path.join(build, 'tsconfig.json'),
    JSON.stringify({
      extends: path.join(checkout, 'tsconfig.json'),
      compilerOptions: { noEmit: false, outDir: 'out', rootDir: checkout, sourceMap: false },
      include: [],
      files: [
        path.join(checkout, 'src', 'collectors', 'files', 'parse-worker.ts'),
        // Dockerfiles' RUN lines are read with a shell parser whose types live beside it.
        path.join(checkout, 'src', 'collectors', 'shell', 'mvdan-sh.d.ts'),
      ],
    }),
  )
  execFileSync(process.execPath, [
    path.join(checkout, 'node_modules', 'typescript', 'bin', 'tsc'),
    '-p',
    build,
  ])
}, 120_000)

afterAll(() => {
  setParseWorkerFile(undefined)
  rmSync(root, { recursive: true, force: true })
  rmSync(build, { recursive: true, force: true })
})

/** The estate's files as a walk hands them to the parser, with how many come after each. */
function files(): { file: string; collector: ParsedReader; bytes: Buffer }[] {
  return Array.from({ length: fileCount }, (_, i) => {
    const file = `deploy/app-${i % 11}/m-${String(i).padStart(3, '0')}.yaml`
    return { file, collector: 'kubernetes' as const, bytes: Buffer.from(i === 77 ? 'kind: [' : manifests(i)) }
  })
}

describe('the file parse pool', () => {
  it('parses on worker threads, once past the threshold, exactly as on the calling thread', async () => {
    const input = files()
    expect(input.reduce((n, f) => n + f.bytes.length, 0)).toBeGreaterThan(parallelAfterBytes + 2 * batchBytes)
    const parser = new FileParser(2, worker, () => 2)
    try {
      // Handed over all at once and waited for in order, as collectFiles does with its read-ahead.
      const pending = input.map((f, i) => parser.parse(f.file, f.collector, f.bytes, input.length - i - 1))
      expect(parser.parallel).toBe(true)
      const parsed = []
      for (const p of pending) parsed.push(await parser.wait(p))
      expect(parsed).toEqual(input.map((f) => parseFile(f.file, f.collector, f.bytes)))
      // Real work came back: objects judged later, and the broken file's error with its line.
      expect(parsed.flatMap((p) => p.evidence).length).toBeGreaterThan(3000)
      expect(parsed[77]?.errors.length).toBeGreaterThan(0)
    } finally {
      await parser.close()
    }
  })

  it('stays on the calling thread with no core to spare, on a small walk, and without a worker', async () => {
    const input = files()
    for (const parser of [
      new FileParser(2, worker, () => 0.5),
      new FileParser(1, worker, () => 2),
      new FileParser(2, undefined, () => 2),
    ]) {
      for (const [i, f] of input.entries())
        await parser.parse(f.file, f.collector, f.bytes, input.length - i - 1)
      expect(parser.parallel).toBe(false)
      await parser.close()
    }
    // Past the bytes but with too few files left: not worth starting threads for.
    const few = new FileParser(2, worker, () => 2)
    for (const f of input) await few.parse(f.file, f.collector, f.bytes, 3)
    expect(few.parallel).toBe(false)
  })

  it('fails the parse, not the process, when the worker cannot start', async () => {
    const parser = new FileParser(2, path.join(build, 'no-such-worker.js'), () => 2)
    const input = files()
    const pending = input.map((f, i) => parser.parse(f.file, f.collector, f.bytes, input.length - i - 1))
    for (const p of pending) p.catch(() => undefined)
    await expect(parser.wait(pending.at(-1) as Promise<unknown> as never)).rejects.toThrow()
    await parser.close()
  })

  it('gives a walk the same collection with the worker chosen as without', async () => {
    const sources = [{ path: 'deploy', type: 'auto' as const }]
    setParseWorkerFile(undefined)
    const single = await collectFiles(root, sources)
    setParseWorkerFile(worker)
    const withWorker = await collectFiles(root, sources)
    expect(single.evidence.length).toBeGreaterThan(3000)
    expect(withWorker).toEqual(single)
  })
})
