import { createHash, createPublicKey, verify } from 'node:crypto'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import ExcelJS from 'exceljs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseEngagement } from '../src/app/soc2-package.js'
import { catalogRoot } from '../src/catalog/load-catalog.js'
import { loadPackageTemplates } from '../src/catalog/load-package-templates.js'
import type { AssessmentModel } from '../src/core/assessment.js'
import { canonicalJson } from '../src/core/canonical-json.js'
import { longDate } from '../src/core/package/build-package.js'
import { csvField } from '../src/reports/csv/render-csv.js'
import { packagePdfDefinition, renderPackagePdf } from '../src/reports/pdf/render-pdf.js'
import { copyDemo, trustctl } from './cli-harness.js'
import { referenceData } from './reference-data.js'

/**
 * Text of each page of an uncompressed pdfmake PDF: follows the page tree to each content stream,
 * tracks the font of each text run and decodes glyph ids through the font's ToUnicode map.
 */
function pdfPages(pdf: Uint8Array): string[] {
  const raw = Buffer.from(pdf).toString('latin1')
  const objects = new Map<string, string>()
  for (const m of raw.matchAll(/(\d+) 0 obj([\s\S]*?)endobj/g)) objects.set(m[1] ?? '', m[2] ?? '')
  const ref = (body: string, key: string) => new RegExp(`/${key} (\\d+) 0 R`).exec(body)?.[1]
  const unicode = new Map<string, Map<number, string>>()
  const fontMap = (objectId: string): Map<number, string> | undefined => {
    if (unicode.has(objectId)) return unicode.get(objectId)
    const cmapId = ref(objects.get(objectId) ?? '', 'ToUnicode')
    if (cmapId === undefined) return undefined
    const cmap = new Map<number, string>()
    for (const m of (objects.get(cmapId) ?? '').matchAll(/<([0-9a-f]+)> <([0-9a-f]+)> \[([^\]]*)\]/gi)) {
      const start = Number.parseInt(m[1] ?? '0', 16)
      // An entry may hold several code units: a ligature glyph maps to `<0066 0069>` ("fi").
      ;[...(m[3] ?? '').matchAll(/<([0-9a-f ]+)>/gi)].forEach((u, i) => {
        const units = (u[1] ?? '').split(' ').map((h) => Number.parseInt(h, 16))
        cmap.set(start + i, String.fromCharCode(...units))
      })
    }
    unicode.set(objectId, cmap)
    return cmap
  }
  const catalog = [...objects.values()].find((o) => /\/Type \/Catalog/.test(o)) ?? ''
  const kids = (id: string): string[] => {
    const body = objects.get(id) ?? ''
    if (/\/Type \/Page\b/.test(body)) return [id]
    const list = /\/Kids \[([^\]]*)\]/.exec(body)?.[1] ?? ''
    return [...list.matchAll(/(\d+) 0 R/g)].flatMap((k) => kids(k[1] ?? ''))
  }
  return kids(ref(catalog, 'Pages') ?? '').map((pageId) => {
    const page = objects.get(pageId) ?? ''
    const resources = objects.get(ref(page, 'Resources') ?? '') ?? page
    const fontDict = /\/Font <<([\s\S]*?)>>/.exec(resources)?.[1] ?? ''
    const fonts = new Map([...fontDict.matchAll(/\/(\w+) (\d+) 0 R/g)].map((m) => [m[1] ?? '', m[2] ?? '']))
    const stream =
      /stream\r?\n([\s\S]*?)endstream/.exec(objects.get(ref(page, 'Contents') ?? '') ?? '')?.[1] ?? ''
    let current: Map<number, string> | undefined
    const out: string[] = []
    for (const m of stream.matchAll(/\/(\w+) [\d.]+ Tf|\[([^\]]*)\] TJ|(BT)/g)) {
      if (m[1] !== undefined) current = fontMap(fonts.get(m[1]) ?? '')
      else if (m[3] !== undefined) out.push(' ')
      else
        for (const hex of (m[2] ?? '').matchAll(/<([0-9a-f]*)>\s*(-?[\d.]+)?/gi)) {
          const digits = hex[1] ?? ''
          if (current === undefined) out.push(Buffer.from(digits, 'hex').toString('latin1'))
          else
            for (let i = 0; i < digits.length; i += 4)
              out.push(current.get(Number.parseInt(digits.slice(i, i + 4), 16)) ?? '')
          // pdfkit writes an inter-word gap as a large negative kerning number.
          if (hex[2] !== undefined && Number(hex[2]) < -100) out.push(' ')
        }
    }
    return out.join('').replace(/[ \t]+/g, ' ')
  })
}

describe('trustctl package (Type 1, demo estate)', () => {
  const demo = copyDemo()
  const out = path.join(demo.dir, 'package-out')
  let model: AssessmentModel
  const read = (file: string) => readFileSync(path.join(out, file), 'utf8')
  let manifest: {
    files: { path: string; sha256: string; bytes: number }[]
    signature: Record<string, string>
  }
  let markdown: string

  beforeAll(async () => {
    const run = await trustctl(demo.dir, 'package', '--type', '1', '--as-of', '2026-11-30', '--out', out)
    expect(run.stderr).not.toMatch(/internal error/)
    expect(run.code).toBe(0)
    const json = await trustctl(demo.dir, 'assess', '--format', 'json')
    model = JSON.parse(json.stdout) as AssessmentModel
    manifest = JSON.parse(read('manifest.json'))
    markdown = read('soc2-package.md')
  }, 180_000)
  afterAll(() => demo.cleanup())

  it('writes every format, each listed in the manifest with its true SHA-256', () => {
    const paths = manifest.files.map((f) => f.path)
    for (const expected of [
      'soc2-package.pdf',
      'soc2-package.html',
      'soc2-package.md',
      'oscal/system-security-plan.json',
      'oscal/assessment-results.json',
      'oscal/plan-of-action-and-milestones.json',
      'results.sarif',
      'junit.xml',
      'controls-matrix.xlsx',
      'controls-matrix.csv',
      'request-list.csv',
    ])
      expect(paths).toContain(expected)
    for (const f of manifest.files) {
      const bytes = readFileSync(path.join(out, f.path))
      expect(createHash('sha256').update(bytes).digest('hex'), f.path).toBe(f.sha256)
      expect(bytes.length).toBe(f.bytes)
    }
    // The signature covers the manifest without it, and verifies with the public key it names.
    const { signature, ...unsigned } = manifest
    const signed = Buffer.from(canonicalJson(unsigned))
    const key = createPublicKey(signature.publicKey ?? '')
    const value = signature.value ?? ''
    const raw = /^[0-9a-f]+$/i.test(value) ? Buffer.from(value, 'hex') : Buffer.from(value, 'base64')
    expect(verify(null, signed, key, raw)).toBe(true)
    expect(verify(null, Buffer.from(`${signed.toString()} `), key, raw)).toBe(false)
  })

  it('has the five sections in order, the auditor report left to the auditor', () => {
    const headings = [...markdown.matchAll(/^## (\d) (.+)$/gm)].map((m) => `${m[1]} ${m[2]}`)
    expect(headings.map((h) => h[0])).toEqual(['1', '2', '3', '4', '5'])
    expect(headings[0]).toMatch(/auditor/i)
    expect(markdown).toMatch(/Reserved for the independent service auditor/)
    expect(markdown).toMatch(/\| Opinion \|/)
  })

  it('drafts an assertion naming the date, the criteria, the carve-outs, the CUECs and the exceptions', () => {
    const assertion = markdown.slice(
      markdown.indexOf("## 2 Management's assertion"),
      markdown.indexOf('## 3 '),
    )
    expect(assertion).toMatch(/DRAFT/)
    expect(assertion).toContain(longDate('2026-11-30'))
    expect(assertion).toMatch(/description criteria/)
    expect(assertion).toMatch(/suitably designed/)
    expect(assertion).not.toMatch(/operated effectively/)
    expect(assertion).toMatch(/carve-out/)
    for (const provider of ['Amazon Web Services', 'GitHub', 'Okta']) expect(assertion).toContain(provider)
    expect(assertion).toMatch(/complementary user entity controls/)
    for (const control of model.controls.filter((c) => c.status === 'fail'))
      expect(assertion).toContain(control.id)
  })

  it('describes the system by DC1–DC9 with components drawn from the evidence and two SVG diagrams', () => {
    const description = markdown.slice(markdown.indexOf('## 3 '), markdown.indexOf('## 4 '))
    for (const title of [
      'Services provided',
      'Principal service commitments',
      'Components of the system',
      'Infrastructure',
      'Software',
      'People',
      'Procedures',
      'Data',
      'Significant incidents',
      'Complementary user entity controls',
      'Subservice organizations',
      'Criteria not relevant',
      'Significant changes',
    ])
      expect(description).toContain(title)
    expect(description).toMatch(/figures\/figure-1\.svg/)
    const svg = read('figures/figure-1.svg')
    expect(svg).toMatch(/^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/)
    // Workloads and namespaces of the demo's manifests appear in the boundary drawing.
    expect(svg).toContain('ingest')
    expect(description).toMatch(/Processing Integrity criteria/)
  })

  it('answers the personnel part of the description from the roster and the identity providers', () => {
    const people = markdown.slice(markdown.indexOf('#### 3.3.3 People'), markdown.indexOf('#### 3.3.4'))
    expect(people).toMatch(
      /The roster \(people\/bamboohr-employees\.csv from bamboohr\) lists \d+ people, \d+ of them current/,
    )
    expect(people).toMatch(/\| okta \| \d+ \| \d+ \| \d+ \| 0 \|/)
    // The demo's planted leavers and missing MFA are exceptions here, each naming who.
    expect(people).toMatch(
      /\| Leavers' accounts disabled within the SLA \| people\/leaver-accounts-disabled-within-sla \| \d+ \| [1-9]\d* \| .*sam\.reyes@/,
    )
    expect(people).toMatch(
      /people\/people-enrolled-in-mfa \| \d+ \| [1-9]\d* \| .*has no second factor enrolled/,
    )
    expect(people).toMatch(/people\/background-check-before-start \| [1-9]\d* \| 0 \| No exceptions noted/)
    expect(people).not.toContain('rest on management')
  })

  it('lists every criterion in scope, and every control with a test and a result', async () => {
    for (const criterion of model.criteria)
      expect(markdown).toMatch(new RegExp(`^### 4\\.\\d+ ${criterion.id.replace('.', '\\.')} `, 'm'))
    const csv = read('controls-matrix.csv')
    for (const control of model.controls) {
      expect(markdown).toContain(`#### ${control.id} — `)
      expect(csv).toContain(control.id)
    }
    const workbook = new ExcelJS.Workbook()
    const xlsx = readFileSync(path.join(out, 'controls-matrix.xlsx'))
    await workbook.xlsx.load(xlsx as unknown as Parameters<typeof workbook.xlsx.load>[0])
    const matrix = workbook.getWorksheet('Controls matrix')
    expect(matrix?.getRow(1).values).toContain('Tests performed')
    const rows: { id: string; tests: string; result: string }[] = []
    matrix?.eachRow((row, n) => {
      if (n > 1)
        rows.push({
          id: String(row.getCell(1).value),
          tests: String(row.getCell(8).value ?? ''),
          result: String(row.getCell(11).value ?? ''),
        })
    })
    expect(rows.map((r) => r.id).sort()).toEqual(model.controls.map((c) => c.id).sort())
    for (const r of rows.filter((x) => !/Not applicable/.test(x.result))) {
      expect(r.tests, r.id).not.toBe('')
      expect(r.result, r.id).not.toBe('')
    }
    expect(workbook.getWorksheet('Request list')?.rowCount).toBeGreaterThan(10)
  })

  it('lists every exception the tests found, and management’s response', () => {
    const failing = model.findings.filter((f) => f.status === 'fail')
    expect(failing.length).toBeGreaterThan(0)
    for (const f of failing)
      expect(markdown).toContain(
        `${f.subject.file}${f.subject.line === undefined ? '' : `:${f.subject.line}`}`,
      )
    for (const accepted of model.exceptions.filter((e) => e.status === 'applied'))
      expect(markdown).toContain(accepted.approvedBy)
    expect(markdown).toMatch(/\*\*Management's response\*\*/)
    const junit = read('junit.xml')
    expect(junit).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites /)
    const failures = Number(/<testsuites [^>]*failures="(\d+)"/.exec(junit)?.[1])
    expect(failures).toBe((junit.match(/<failure /g) ?? []).length)
    expect(failures).toBeGreaterThan(0)
  })

  it('renders a PDF with a cover, a contents page with page numbers, and Page X of Y on every page', async () => {
    expect(readFileSync(path.join(out, 'soc2-package.pdf')).subarray(0, 5).toString()).toBe('%PDF-')
    // The written PDF is compressed; render the same document uncompressed to read its text.
    const { buildPackage } = await import('../src/core/package/build-package.js')
    const pdf = await renderPackagePdf(
      buildPackage({
        model,
        config: (await import('../src/core/config.js')).parseConfig(
          (await import('yaml')).parse(readFileSync(path.join(demo.dir, 'trustctl.yaml'), 'utf8')),
          'trustctl.yaml',
        ),
        templates: await loadPackageTemplates(catalogRoot()),
        evidence: [],
        engagement: { type: 1, asOf: '2026-11-30' },
      }).document,
      { compress: false },
    )
    const text = pdfPages(pdf)
    expect(text[0]).toMatch(/SOC 2 Type 1 Report/)
    expect(text[0]).not.toMatch(/Page 1 of/)
    const contents = text[1] ?? ''
    expect(contents).toMatch(/Contents/)
    expect(contents).toMatch(/2 Management's assertion\s*\d+/)
    for (const [i, page] of text.entries())
      if (i > 0) expect(page).toContain(`Page ${i + 1} of ${text.length}`)
    // The contents give the page a section starts on.
    const assertionPage = Number(/2 Management's assertion\s*(\d+)/.exec(contents)?.[1])
    expect(text[assertionPage - 1]).toMatch(/Management's assertion/)
  })

  it('keeps every data table header with its first row, repeated on each page, rows unbroken', async () => {
    const { buildPackage } = await import('../src/core/package/build-package.js')
    const definition = packagePdfDefinition(
      buildPackage({
        model,
        templates: await loadPackageTemplates(catalogRoot()),
        evidence: [],
        engagement: { type: 1, asOf: '2026-11-30' },
      }).document,
    )
    const tables: Record<string, unknown>[] = []
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(walk)
      else if (node !== null && typeof node === 'object') {
        const table = (node as { table?: Record<string, unknown> }).table
        if (table?.headerRows !== undefined) tables.push(table)
        Object.values(node).forEach(walk)
      }
    }
    walk(definition.content)
    expect(tables.length).toBeGreaterThan(10)
    for (const table of tables)
      expect(table).toMatchObject({ headerRows: 1, keepWithHeaderRows: 1, dontBreakRows: true })
  })

  it('lists each data store of the system description once, and no Terraform setting as a store', () => {
    const data = markdown.slice(markdown.indexOf('## 3 '), markdown.indexOf('## 4 '))
    const storeLines = data.split('\n').filter((l) => /aws_s3_bucket|S3Bucket/.test(l))
    expect(storeLines.length).toBeGreaterThan(0)
    expect(data).not.toMatch(
      /aws_s3_bucket_(versioning|acl|public_access_block|server_side_encryption|logging)/,
    )
    const names = storeLines.map((l) => /aws_s3_bucket\.[^ |]+|acme-[a-z0-9-]+/.exec(l)?.[0])
    expect(new Set(names).size).toBe(names.length)
  })

  it('speaks to management in the remediation plan, and has each canned answer cite evidence or await confirmation', () => {
    expect(markdown).not.toMatch(/record it in trustctl\.yaml/i)
    // Management's text says what to do, not which file of the tool to edit.
    expect(markdown.split('\n').filter((l) => /\b(in|to|under) trustctl\.yaml\b/.test(l))).toEqual([])
    const from = markdown.lastIndexOf('Remediation plan for open gaps')
    const plan = markdown.slice(from, markdown.indexOf('### 5.4', from))
    expect(plan).toMatch(/\| Status \|/)
    expect(
      plan,
      plan
        .split('\n')
        .filter((l) => l.includes('trustctl.yaml'))
        .join('\n'),
    ).not.toMatch(/trustctl\.yaml/)
    const answers = markdown.split('\n').filter((l) => / — /.test(l) && /\?/.test(l) && l.startsWith('- '))
    expect(answers.length).toBeGreaterThan(10)
    for (const answer of answers)
      expect(answer).toMatch(/(Evidence: .+\(.+, passed on \d+|Management to confirm)/)
  })

  it('contains the OSCAL 1.1.3 copy the README promises, valid against its schemas', async () => {
    const { Ajv } = await import('ajv')
    const formats = (await import('ajv-formats')).default
    for (const [file, schema] of [
      ['system-security-plan', 'ssp'],
      ['assessment-results', 'assessment-results'],
      ['plan-of-action-and-milestones', 'poam'],
    ] as const) {
      expect(manifest.files.map((f) => f.path)).toContain(`oscal/1.1.3/${file}.json`)
      const document = JSON.parse(read(`oscal/1.1.3/${file}.json`)) as Record<string, { metadata: unknown }>
      expect(document[file]?.metadata).toMatchObject({ 'oscal-version': '1.1.3' })
      const json = JSON.parse(
        readFileSync(path.join(referenceData, 'oscal', '1.1.3', `oscal_${schema}_schema.json`), 'utf8'),
      )
      delete json.$schema
      const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: true })
      formats.default(ajv)
      const validate = ajv.compile(json)
      expect(validate(document), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true)
    }
  })

  it('writes CSV files that start with a UTF-8 byte-order mark', () => {
    for (const file of ['controls-matrix.csv', 'request-list.csv'])
      expect([...readFileSync(path.join(out, file)).subarray(0, 3)], file).toEqual([0xef, 0xbb, 0xbf])
  })
})

describe('trustctl package --type 2', () => {
  const demo = copyDemo()
  afterAll(() => demo.cleanup())

  it('states the period, operating effectiveness and what the period population needs', async () => {
    const out = path.join(demo.dir, 'type2')
    const run = await trustctl(
      demo.dir,
      'package',
      '--type',
      '2',
      '--from',
      '2026-06-01',
      '--to',
      '2026-11-30',
      '--out',
      out,
    )
    expect(run.code, run.stderr).toBe(0)
    const markdown = readFileSync(path.join(out, 'soc2-package.md'), 'utf8')
    expect(markdown).toMatch(/SOC 2 Type 2 Report/)
    const assertion = markdown.slice(
      markdown.indexOf("## 2 Management's assertion"),
      markdown.indexOf('## 3 '),
    )
    expect(assertion).toMatch(/throughout the period 1 June 2026 to 30 November 2026/)
    expect(assertion).toMatch(/operated effectively/)
    expect(markdown).toMatch(/Significant changes during the period/)
    expect(markdown).toMatch(/Operating effectiveness over the period/)
    expect(markdown).toMatch(/sampled by the auditor/)
  }, 180_000)
})

describe('package options and helpers', () => {
  it('reads the engagement from --type, --as-of, --from and --to', () => {
    expect(parseEngagement({ type: '1' }, '2026-11-30')).toEqual({ type: 1, asOf: '2026-11-30' })
    expect(parseEngagement({ type: '2', from: '2026-01-01', to: '2026-06-30' }, '2026-11-30')).toEqual({
      type: 2,
      from: '2026-01-01',
      to: '2026-06-30',
    })
    expect(() => parseEngagement({ type: '2', from: '2026-01-01' }, '2026-11-30')).toThrow(/needs its period/)
    expect(() => parseEngagement({ type: '2', from: '2026-07-01', to: '2026-06-30' }, 'x')).toThrow(/before/)
    expect(() => parseEngagement({ type: '1', asOf: '2026-02-30' }, 'x')).toThrow(/--as-of/)
    expect(() => parseEngagement({ type: '3' }, 'x')).toThrow(/1 or 2/)
  })

  it('quotes CSV fields and neutralises spreadsheet formulas', () => {
    expect(csvField('plain')).toBe('plain')
    expect(csvField('a,b')).toBe('"a,b"')
    expect(csvField('say "hi"')).toBe('"say ""hi"""')
    expect(csvField('two\nlines')).toBe('"two\nlines"')
    expect(csvField('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"')
    expect(csvField('-12')).toBe('-12')
  })
})
