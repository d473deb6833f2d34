// `npm run bench`: how fast trustctl assesses a large estate, against the floor set by the parsers it
// uses (reading the bytes, and js-yaml / dockerfile-ast on them alone), all measured in this run.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { DockerfileParser } from 'dockerfile-ast'
import yaml from 'js-yaml'
import { loadConfig } from '../src/app/load-config.js'
import { collectAndAssess, loadLibrary, runAssessment } from '../src/app/run-assessment.js'
import { listFiles } from '../src/collectors/files/collect-files.js'
import { collectSources } from '../src/collectors/registry.js'
import { generateEstate } from './generate-estate.js'
import { timeMedian } from './median.js'

const runs = Number(process.env.BENCH_RUNS ?? 5)
const objects = Number(process.env.BENCH_OBJECTS ?? 10_000)
const dockerfiles = Number(process.env.BENCH_DOCKERFILES ?? 2_000)

const median = (label: string, fn: () => Promise<unknown> | unknown): Promise<number> =>
  timeMedian(label, runs, fn)

const root = mkdtempSync(path.join(os.tmpdir(), 'trustctl-bench-'))
try {
  const estate = generateEstate(root, objects, dockerfiles)
  const files = [...(await listFiles(root, 'deploy')).files, ...(await listFiles(root, 'services')).files]
  const mb = estate.bytes / 1e6
  console.log(
    `trustctl bench: ${objects} Kubernetes objects in ${files.length - dockerfiles} files + ${dockerfiles} Dockerfiles, ${mb.toFixed(1)} MB, node ${process.version}, ${os.cpus().length} cores`,
  )

  const library = await loadLibrary()
  const loaded = await loadConfig(undefined, root)

  const read = await median('read the bytes (I/O floor)', () => {
    for (const f of files) readFileSync(path.join(root, f))
  })
  const rawParse = await median('js-yaml + dockerfile-ast alone (parser floor)', () => {
    for (const f of files) {
      const text = readFileSync(path.join(root, f), 'utf8')
      if (f.endsWith('Dockerfile')) DockerfileParser.parse(text).getInstructions()
      else yaml.loadAll(text)
    }
  })
  let evidenceCount = 0
  const parse = await median('parse only: collect evidence', async () => {
    evidenceCount = (await collectSources(loaded.config.sources, { root, now: new Date(), env: {} })).evidence
      .length
  })
  let findingCount = 0
  const full = await median('full assess: collect + evaluate + analyse', async () => {
    findingCount = (await collectAndAssess(loaded, library, process.env, new Date())).model.findings.length
  })
  const stored = await median('assess and store the run (SQLite)', () =>
    runAssessment(loaded, library, new Date(), {
      env: process.env,
      notify: (text) => void process.stderr.write(text),
    }),
  )

  const units = objects + dockerfiles
  console.log('')
  console.log(`  evidence items ${evidenceCount}, findings ${findingCount}`)
  console.log(`  full assess / parse only           ${(full / parse).toFixed(2)}x   (target: within 2x)`)
  console.log(`  parse only / parser floor          ${(parse / rawParse).toFixed(2)}x`)
  console.log(`  parser floor / I/O floor           ${(rawParse / read).toFixed(2)}x`)
  console.log(
    `  throughput (full assess)           ${Math.round(units / (full / 1000))} objects/s, ${(mb / (full / 1000)).toFixed(1)} MB/s`,
  )
  console.log(`  throughput (assess + store)        ${Math.round(units / (stored / 1000))} objects/s`)
  console.log(`  peak RSS                           ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`)
} finally {
  rmSync(root, { recursive: true, force: true })
}
