// `npm run bench`: importing 100 MB scanner reports (Trivy JSON and SARIF), against the floor set by a
// bare JSON.parse of the same bytes, with the peak memory of each. Every measurement runs in a child
// process of its own, so its peak RSS is its own and not the high-water mark of an earlier one.
import { execFileSync } from 'node:child_process'
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { importReport } from '../src/collectors/scanners/scan-report.js'

const runs = Number(process.env.BENCH_RUNS ?? 3)
const targetMb = Number(process.env.BENCH_SCAN_MB ?? 100)
const severities = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN'] as const

/** One Trivy vulnerability, shaped like Trivy 0.5x writes it (description and references included). */
function trivyVulnerability(i: number): object {
  const published = new Date(Date.UTC(2020, 0, 1) + (i % 2000) * 86_400_000).toISOString()
  return {
    VulnerabilityID: `CVE-${2020 + (i % 6)}-${10000 + i}`,
    PkgID: `pkg-${i % 700}@1.${i % 13}.${i % 7}`,
    PkgName: `pkg-${i % 700}`,
    PkgIdentifier: {
      PURL: `pkg:apk/alpine/pkg-${i % 700}@1.${i % 13}.${i % 7}?arch=x86_64`,
      UID: `${i.toString(16)}`,
    },
    InstalledVersion: `1.${i % 13}.${i % 7}`,
    ...(i % 3 === 0 ? {} : { FixedVersion: `1.${i % 13}.${(i % 7) + 1}` }),
    Status: i % 3 === 0 ? 'affected' : 'fixed',
    Layer: { Digest: `sha256:${'ab'.repeat(32)}`, DiffID: `sha256:${'cd'.repeat(32)}` },
    SeveritySource: 'nvd',
    PrimaryURL: `https://avd.aquasec.com/nvd/cve-${i}`,
    DataSource: { ID: 'alpine', Name: 'Alpine Secdb', URL: 'https://secdb.alpinelinux.org/' },
    Title: `pkg-${i % 700}: memory corruption in a parser of untrusted input ${i}`,
    Description:
      'A flaw was found in the way the library parses crafted input. An attacker able to supply input could ' +
      'cause a buffer over-read, leading to a crash or disclosure of memory contents of the process.',
    Severity: severities[i % severities.length],
    CweIDs: ['CWE-125'],
    VendorSeverity: { nvd: (i % 4) + 1, redhat: (i % 3) + 1 },
    CVSS: { nvd: { V3Vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:H', V3Score: 4 + (i % 60) / 10 } },
    References: [`https://nvd.nist.gov/vuln/detail/CVE-${i}`, `https://security.example.org/advisories/${i}`],
    PublishedDate: published,
    LastModifiedDate: published,
  }
}

/** One SARIF result with its location, as static analysers write them. */
function sarifResult(i: number): object {
  return {
    ruleId: `R${i % 200}`,
    ruleIndex: i % 200,
    level: i % 5 === 0 ? 'error' : 'warning',
    message: { text: `Possible injection of untrusted data into a query built at this point (${i}).` },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: `src/module${i % 900}/file${i % 37}.ts`, uriBaseId: '%SRCROOT%' },
          region: {
            startLine: (i % 800) + 1,
            startColumn: 5,
            endLine: (i % 800) + 1,
            endColumn: 42,
            snippet: { text: "  const q = 'SELECT * FROM t WHERE id = ' + id" },
          },
        },
      },
    ],
    partialFingerprints: { primaryLocationLineHash: `${(i * 2654435761).toString(16)}:1` },
  }
}

/** Writes a report of about `mb` megabytes: head, then items streamed one by one, then tail. */
async function writeReport(
  file: string,
  mb: number,
  head: string,
  item: (i: number) => object,
  tail: string,
): Promise<void> {
  const out = createWriteStream(file)
  const write = (text: string): Promise<void> =>
    new Promise((resolve) => (out.write(text) ? resolve() : out.once('drain', resolve)))
  await write(head)
  let bytes = head.length
  for (let i = 0; bytes < mb * 1e6; i++) {
    const text = `${i === 0 ? '' : ',\n'}${JSON.stringify(item(i), null, 2)}`
    bytes += text.length
    await write(text)
  }
  await write(tail)
  await new Promise((resolve) => out.end(resolve))
}

/** The child side: one measurement, printed as JSON for the parent. */
async function measure(kind: string, file: string): Promise<void> {
  const start = process.hrtime.bigint()
  const cpu = process.cpuUsage()
  let items = 0
  if (kind === 'parse') {
    const value: unknown = JSON.parse(readFileSync(file, 'utf8'))
    items = value === null ? 0 : 1
  } else {
    items = (await importReport(file, { file: path.basename(file), now: new Date('2026-06-30T00:00:00Z') }))
      .evidence.length
  }
  const ms = Number(process.hrtime.bigint() - start) / 1e6
  const used = process.cpuUsage(cpu)
  const cpuMs = (used.user + used.system) / 1000
  console.log(JSON.stringify({ ms, cpuMs, items, maxRssMb: process.resourceUsage().maxRSS / 1024 }))
}

interface Measurement {
  ms: number
  /** CPU time (user + system): on a shared machine, wall time also counts the waits for a core. */
  cpuMs: number
  items: number
  maxRssMb: number
}

function runChild(kind: string, file: string): Measurement {
  const out = execFileSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), kind, file], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  })
  return JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as Measurement
}

/** Runs a measurement `runs` times; prints the medians (wall and CPU), throughput and peak RSS. */
function report(label: string, kind: string, file: string): Measurement {
  const mb = statSync(file).size / 1e6
  const results = Array.from({ length: runs }, () => runChild(kind, file))
  const median = (values: number[]): number =>
    values.sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0
  const ms = median(results.map((r) => r.ms))
  const cpuMs = median(results.map((r) => r.cpuMs))
  const peak = Math.max(...results.map((r) => r.maxRssMb))
  const rate = (t: number): string => (mb / (t / 1000)).toFixed(1).padStart(6)
  console.log(
    `  ${label.padEnd(32)} wall ${ms.toFixed(0).padStart(6)} ms ${rate(ms)} MB/s | cpu ${cpuMs.toFixed(0).padStart(6)} ms ${rate(cpuMs)} MB/s | peak RSS ${peak.toFixed(0)} MB` +
      (kind === 'parse' ? '' : ` | ${results[0]?.items ?? 0} evidence items`),
  )
  return { ms, cpuMs, items: results[0]?.items ?? 0, maxRssMb: peak }
}

async function main(): Promise<void> {
  const [kind, file] = process.argv.slice(2)
  if (kind !== undefined && file !== undefined) return measure(kind, file)
  const root = mkdtempSync(path.join(os.tmpdir(), 'trustctl-scan-bench-'))
  try {
    const trivy = path.join(root, 'trivy.json')
    const sarif = path.join(root, 'code.sarif')
    await writeReport(
      trivy,
      targetMb,
      '{\n"SchemaVersion": 2,\n"CreatedAt": "2026-06-29T06:00:00Z",\n"ArtifactName": "ghcr.io/acme/api:1.8.0",\n"ArtifactType": "container_image",\n"Results": [{"Target": "ghcr.io/acme/api:1.8.0 (alpine 3.20.3)", "Class": "os-pkgs", "Type": "alpine", "Vulnerabilities": [\n',
      trivyVulnerability,
      ']}]}\n',
    )
    const rules = Array.from({ length: 200 }, (_, i) => ({
      id: `R${i}`,
      defaultConfiguration: { level: 'warning' },
      properties: { 'security-severity': String(((i % 90) + 10) / 10) },
    }))
    await writeReport(
      sarif,
      targetMb,
      `{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "bench-analyser", "semanticVersion": "1.0.0", "rules": ${JSON.stringify(rules)}}}, "results": [\n`,
      sarifResult,
      ']}]}\n',
    )
    console.log(
      `trustctl scanner bench: Trivy JSON ${(statSync(trivy).size / 1e6).toFixed(0)} MB, SARIF ${(statSync(sarif).size / 1e6).toFixed(0)} MB, node ${process.version}, ${os.cpus().length} cores, n=${runs}`,
    )
    const trivyFloor = report('Trivy: bare JSON.parse (floor)', 'parse', trivy)
    const trivyImport = report('Trivy: import as evidence', 'import', trivy)
    const sarifFloor = report('SARIF: bare JSON.parse (floor)', 'parse', sarif)
    const sarifImport = report('SARIF: import as evidence', 'import', sarif)
    console.log(
      `  import / bare parse (cpu): Trivy ${(trivyImport.cpuMs / trivyFloor.cpuMs).toFixed(2)}×, SARIF ${(sarifImport.cpuMs / sarifFloor.cpuMs).toFixed(2)}×`,
    )
  } finally {
    rmSync(root, { recursive: true, force: true })
  }
}

await main()
