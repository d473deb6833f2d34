import { createHash } from 'node:crypto'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { SaxesParser } from 'saxes'
import { afterAll, describe, expect, it } from 'vitest'
import { parseDocument } from 'yaml'
import { loadChecks } from '../checks/load-checks.js'
import { catalogRoot, loadCatalog } from '../src/catalog/load-catalog.js'
import { loadShippedThirdParties, loadThirdPartyLibrary } from '../src/catalog/load-third-parties.js'
import { assess } from '../src/core/assess.js'
import { type Config, parseConfig } from '../src/core/config.js'
import { ConfigError, TrustctlError } from '../src/core/errors.js'
import {
  checkDeclared,
  crosswalkFromCsv,
  crosswalkFromFile,
  evaluateCrosswalk,
  parseDeclaredList,
} from '../src/core/third-parties/crosswalk.js'
import { assessThirdParties, scopeWithoutEvidence } from '../src/core/third-parties/index.js'
import { renderPolicy } from '../src/core/third-parties/policies.js'
import { renderHtml } from '../src/reports/html/render-html.js'
import { renderMarkdown } from '../src/reports/markdown/render-markdown.js'
import { renderResponsibilitySvg } from '../src/reports/svg/responsibility-matrix.js'
import { demoEstate, trustctl } from './cli-harness.js'
import { referenceFile } from './reference-data.js'

const checks = await loadChecks()
const catalog = await loadCatalog(checks)
const shipped = await loadShippedThirdParties(catalog, catalogRoot())
const criteria = new Set(catalog.criteria.keys())

/** The demo's trustctl.yaml as data, without evidence sources (these tests need none). */
function demoData(): Record<string, unknown> {
  const data = parseDocument(readFileSync(path.join(demoEstate, 'trustctl.yaml'), 'utf8')).toJS() as Record<
    string,
    unknown
  >
  data.sources = []
  return data
}

const tmp = mkdtempSync(path.join(os.tmpdir(), 'trustctl-third-parties-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

async function run(config: Config, root = demoEstate) {
  const library = await loadThirdPartyLibrary(shipped, catalog, config, root, 'trustctl.yaml')
  const scope = scopeWithoutEvidence(catalog, config)
  return assessThirdParties({
    library,
    config,
    catalogControls: catalog.controls,
    controls: scope.controls,
    criteria: scope.criteria,
    dueDate: (severity) => `due-${severity}`,
  })
}

const demo = (edit: (data: Record<string, unknown>) => void = () => {}): Config => {
  const data = demoData()
  edit(data)
  return parseConfig(data, 'trustctl.yaml')
}

const withProviderFiles = (files: string[]): Config =>
  demo((d) => {
    d.providerFiles = files
  })

/** The message of what a promise rejects with, or fails the test if it resolves. */
async function rejection(promise: Promise<unknown>): Promise<string> {
  try {
    await promise
  } catch (error) {
    expect(error).toBeInstanceOf(TrustctlError)
    return (error as Error).message
  }
  throw new Error('expected an error')
}

const shippedCatalog = (await loadThirdPartyLibrary(shipped, catalog, demo(), demoEstate, 'trustctl.yaml'))
  .providers

function baseRequest(config: Config) {
  return {
    config,
    catalog,
    checks,
    evidence: [],
    errors: [],
    inputs: [],
    generatedAt: '',
    toolVersion: 'test',
  }
}

describe('the responsibility matrix', async () => {
  const { section } = await run(demo())
  const matrix = section.matrix
  const cell = (control: string, provider: string, service: string) =>
    matrix.cells.find((c) => c.control === control && c.providerId === provider && c.serviceId === service)

  it('has a cell for every assessed control and every service in use', () => {
    const assessed = scopeWithoutEvidence(catalog, demo()).controls.filter(
      (c) => c.notApplicable === undefined,
    )
    expect(matrix.services.map((s) => `${s.providerId}/${s.serviceId}`)).toContain('aws/rds')
    expect(matrix.cells).toHaveLength(assessed.length * matrix.services.length)
    // endpoint.devices-wiped-before-reuse is not applicable in the demo: no cells for it.
    expect(matrix.cells.some((c) => c.control === 'endpoint.devices-wiped-before-reuse')).toBe(false)
  })

  it('takes the service model, the profile and overrides in that order of precedence', () => {
    // Managed Postgres: engine patching is the provider's (RDS service entry in the AWS profile).
    expect(cell('vulnerability.nodes-replaced-with-patched-images', 'aws', 'rds')).toMatchObject({
      owner: 'provider',
      inheritance: 'inherited',
      source: 'service-profile',
      model: 'paas',
    })
    // Access to data in the managed database stays shared: the users and grants are ours.
    const rdsAccess = cell('access.production-access-restricted', 'aws', 'rds')
    expect(rdsAccess).toMatchObject({ owner: 'shared', duty: 'aws/rds/access' })
    expect(matrix.duties['aws/rds/access']?.customer).toContain('database users')
    // Physical security of a SaaS is the provider's, from the SaaS model default.
    expect(cell('physical.facilities-access-controlled', 'slack', 'messaging')).toMatchObject({
      owner: 'provider',
      source: 'model-baseline',
      evidenceBy: ['Slack: its SOC 2 report (carve-out), reviewed by us'],
    })
    // The demo overrides the office part of physical security on AWS.
    expect(cell('physical.facilities-access-controlled', 'aws', 'ec2')).toMatchObject({
      owner: 'shared',
      source: 'override',
      reason: expect.stringContaining('offices'),
    })
    // Laptops are ours whatever the service.
    expect(cell('endpoint.laptops-managed-and-encrypted', 'okta', 'mfa')).toMatchObject({
      owner: 'us',
      inheritance: 'none',
      evidenceBy: [expect.stringContaining('Kevin Tran')],
    })
    // A control-level default beats the family: a SaaS plays no part in our Kubernetes roles …
    expect(cell('access.kubernetes-roles-least-privilege', 'slack', 'messaging')?.owner).toBe('us')
    // … but a managed Kubernetes service does.
    expect(cell('access.kubernetes-roles-least-privilege', 'aws', 'eks')?.owner).toBe('shared')
  })

  it('shows the CUECs a control meets on the provider that asked for them', () => {
    expect(cell('access.leavers-deprovisioned-promptly', 'okta', 'workforce-identity')?.cuecs).toEqual([
      'OKTA-2',
    ])
    expect(cell('access.leavers-deprovisioned-promptly', 'github', 'repositories')?.cuecs).toEqual([])
  })

  it('marks cells tested (inclusive) instead of inherited when the provider is included', async () => {
    const inclusive = await run(
      demo((d) => {
        const providers = d.providers as Record<string, unknown>[]
        providers[1] = { ...providers[1], method: 'inclusive' }
      }),
    )
    const github = inclusive.section.matrix.cells.filter((c) => c.providerId === 'github' && c.owner !== 'us')
    expect(github.length).toBeGreaterThan(0)
    expect(new Set(github.map((c) => c.inheritance))).toEqual(new Set(['tested']))
  })

  it('uses the service-model defaults for a provider without a profile', async () => {
    const result = await run(
      demo((d) => {
        d.providers = [{ name: 'Acme Payroll', model: 'saas' }]
        d.vendors = []
      }),
    )
    expect(result.section.matrix.services).toMatchObject([{ provider: 'Acme Payroll', model: 'saas' }])
    expect(new Set(result.section.matrix.cells.map((c) => c.source))).toEqual(new Set(['model-baseline']))
    // Only SaaS in use: the PaaS and IaaS columns say so.
    expect(result.section.matrix.families.every((f) => f.byModel.iaas === 'not-used')).toBe(true)
  })

  it('summarises each family overall and per service model', () => {
    const physical = matrix.families.find((f) => f.family === 'physical')
    expect(physical?.byModel.saas).toBe('provider')
    expect(matrix.families.find((f) => f.family === 'governance')).toMatchObject({
      overall: 'us',
      byModel: { saas: 'us', paas: 'us', iaas: 'us' },
    })
  })
})

describe('vendors and their reports', async () => {
  const baseline = await run(demo())
  const ids = (gaps: readonly { id: string }[]) => gaps.map((g) => g.id).sort()

  it('raises the planted vendor gaps of the demo, each with an owner and due date', () => {
    const vendorGaps = baseline.gaps.filter((g) => /^(vendor|cuec)/.test(g.type))
    expect(ids(vendorGaps)).toEqual([
      'cuec-unmapped:okta:OKTA-3',
      'vendor-opinion-unreviewed:github',
      'vendor-period-gap:github',
      'vendor-report-expired:datadog',
      'vendor-report-missing:pagerduty',
    ])
    for (const gap of vendorGaps) {
      expect(gap.owner).toBe('Hannah Brooks <hannah.brooks@acme-analytics.example.com>')
      expect(gap.dueDate).toMatch(/^due-/)
      expect(gap.criteria).toContain('CC9.2')
    }
  })

  it('removing a vendor report creates exactly the expected gaps, and its CUEC gaps go with it', async () => {
    const withoutReport = await run(
      demo((d) => {
        const okta = (d.vendors as Record<string, unknown>[]).find((v) => v.name === 'Okta')
        if (okta !== undefined) delete okta.report
      }),
    )
    const before = new Set(ids(baseline.gaps))
    const after = new Set(ids(withoutReport.gaps))
    expect([...after].filter((id) => !before.has(id))).toEqual(['vendor-report-missing:okta'])
    expect([...before].filter((id) => !after.has(id))).toEqual(['cuec-unmapped:okta:OKTA-3'])
    expect(withoutReport.section.vendors.find((v) => v.name === 'Okta')).toMatchObject({
      coverage: 'missing',
      reportRequired: true,
      cuecs: [],
    })
  })

  it('maps every CUEC to an assessed control or reports it as a gap', () => {
    const config = demo()
    const assessed = new Set(
      scopeWithoutEvidence(catalog, config)
        .controls.filter((c) => c.notApplicable === undefined)
        .map((c) => c.id),
    )
    const gapIds = new Set(ids(baseline.gaps))
    let count = 0
    for (const vendor of config.vendors) {
      for (const cuec of vendor.report?.cuecs ?? []) {
        count++
        const mapped = cuec.mappedTo !== undefined && assessed.has(cuec.mappedTo)
        const slug = vendor.name.toLowerCase().replace(/[^a-z0-9]+/g, '-')
        expect(mapped || gapIds.has(`cuec-unmapped:${slug}:${cuec.id}`), `${vendor.name} ${cuec.id}`).toBe(
          true,
        )
        expect(mapped && gapIds.has(`cuec-unmapped:${slug}:${cuec.id}`)).toBe(false)
      }
    }
    expect(count).toBeGreaterThanOrEqual(10)
  })

  it('treats a bridge letter reaching the as-of date as coverage, and a short one as a period gap', () => {
    const byName = new Map(baseline.section.vendors.map((v) => [v.name, v]))
    expect(byName.get('Amazon Web Services')).toMatchObject({
      coverage: 'bridged',
      coveredThrough: '2026-12-31',
    })
    expect(byName.get('GitHub')).toMatchObject({ coverage: 'period-gap', coveredThrough: '2026-09-30' })
    expect(byName.get('Slack')?.coverage).toBe('current')
    expect(byName.get('Checkr')).toMatchObject({ coverage: 'not-required', reportRequired: false })
  })

  it('does not let a report whose period starts after the as-of date cover it', async () => {
    const later = await run(
      demo((d) => {
        const slack = (d.vendors as Record<string, unknown>[]).find((v) => v.name === 'Slack')
        if (slack !== undefined) slack.report = { type: 1, periodEnd: '2027-01-15', opinion: 'unqualified' }
        const cloudflare = (d.vendors as Record<string, unknown>[]).find((v) => v.name === 'Cloudflare')
        if (cloudflare !== undefined)
          cloudflare.report = {
            type: 2,
            periodStart: '2026-12-01',
            periodEnd: '2027-05-31',
            opinion: 'unqualified',
          }
      }),
    )
    const byName = new Map(later.section.vendors.map((v) => [v.name, v]))
    expect(byName.get('Slack')?.coverage).toBe('current')
    expect(byName.get('Cloudflare')?.coverage).toBe('period-gap')
    expect(later.gaps.find((g) => g.id === 'vendor-period-gap:cloudflare')?.title).toContain(
      'starts 2026-12-01',
    )
  })

  it('adds the gaps and the section to the assessment model', () => {
    const config = demo()
    const model = assess({
      config,
      catalog,
      checks,
      evidence: [],
      errors: [],
      inputs: [],
      generatedAt: '2026-11-30T00:00:00Z',
      toolVersion: 'test',
      thirdParties: {
        providers: shippedCatalog,
        policies: shipped.policies,
        crosswalks: shipped.crosswalks,
      },
    })
    // Without the library the section is left out and nothing else changes.
    const without = assess({ ...baseRequest(config), generatedAt: '2026-11-30T00:00:00Z' })
    expect(model.thirdParties?.vendors.length).toBe(baseline.section.vendors.length)
    expect(model.gaps.map((g) => g.id)).toContain('vendor-report-expired:datadog')
    expect(model.gaps.map((g) => g.id)).toContain('policy-review-overdue:business-continuity')
    expect(model.summary.gaps).toBe(model.gaps.length)
    const html = renderHtml(model)
    const section = html.slice(html.indexOf('<section id="shared-responsibility"'))
    expect(section).toContain('<svg xmlns="http://www.w3.org/2000/svg"')
    expect(section).toContain('Datadog')
    expect(section).toContain('expired')
    expect(section).toContain('The Business Continuity and Disaster Recovery Plan was due for review')
    expect(renderHtml(without)).not.toContain('shared-responsibility')
    const markdown = renderMarkdown(model)
    expect(markdown).toContain('## Shared responsibility')
    expect(markdown).toMatch(/\| physical \| shared \| provider \|/)
    expect(without.thirdParties).toBeUndefined()
    expect(without.gaps.some((g) => g.type.startsWith('vendor'))).toBe(false)
  })
})

describe('bad provider and vendor input names the file and the path', () => {
  it('refuses a service the provider does not offer', async () => {
    const message = await rejection(
      run(
        demo((d) => {
          ;(d.providers as Record<string, unknown>[])[0] = {
            name: 'Amazon Web Services',
            model: 'iaas',
            services: ['EKS', 'Mainframe'],
          }
        }),
      ),
    )
    expect(message).toContain('trustctl.yaml: providers[0].services[1]')
    expect(message).toContain("'Mainframe' is not a service of Amazon Web Services")
  })

  it('refuses the same provider listed twice', async () => {
    const message = await rejection(
      run(
        demo((d) => {
          d.providers = [...(d.providers as unknown[]), { name: 'okta', model: 'saas', services: ['MFA'] }]
        }),
      ),
    )
    expect(message).toContain("providers[7].name: 'okta' is already providers[2]")
  })

  it('refuses two overrides of the same thing', async () => {
    const message = await rejection(
      run(
        demo((d) => {
          const providers = d.providers as Record<string, unknown>[]
          providers[1] = {
            ...providers[1],
            overrides: [
              { family: 'change', owner: 'us', reason: 'We run our own review bot for every change.' },
              { family: 'change', owner: 'provider', reason: 'GitHub enforces the rules we configure.' },
            ],
          }
        }),
      ),
    )
    expect(message).toContain('providers[1].overrides[1]: overlaps providers[1].overrides[0]')
  })

  it('refuses an override naming an unknown family or control', async () => {
    const message = await rejection(
      run(
        demo((d) => {
          const providers = d.providers as Record<string, unknown>[]
          providers[1] = {
            ...providers[1],
            overrides: [{ family: 'acces', owner: 'us', reason: 'A typo in the family name.' }],
          }
        }),
      ),
    )
    expect(message).toContain("providers[1].overrides[0].family: unknown control family 'acces'")
  })

  it("refuses a vendor's unknown service and a CUEC mapped to a control that does not exist", async () => {
    const service = await rejection(
      run(
        demo((d) => {
          ;(d.vendors as Record<string, unknown>[])[2] = {
            ...(d.vendors as Record<string, unknown>[])[2],
            services: ['Workforce Identity', 'Payroll'],
          }
        }),
      ),
    )
    expect(service).toContain("vendors[2].services[1]: 'Payroll' is not a service of Okta")
    const cuec = await rejection(
      run(
        demo((d) => {
          const okta = (d.vendors as { report: { cuecs: Record<string, unknown>[] } }[])[2]
          if (okta !== undefined)
            okta.report.cuecs[0] = {
              id: 'OKTA-1',
              text: 'A duty mapped to nothing real.',
              mappedTo: 'access.nope',
            }
        }),
      ),
    )
    expect(cuec).toContain("vendors[2].report.cuecs[0].mappedTo: no such control 'access.nope'")
  })

  it('refuses a risk linked to an unknown control', async () => {
    const message = await rejection(
      run(
        demo((d) => {
          d.risks = [
            {
              id: 'R-9',
              title: 'Something bad',
              likelihood: 2,
              impact: 3,
              treatment: 'mitigate',
              controls: ['risk.nope'],
            },
          ]
        }),
      ),
    )
    expect(message).toContain("risks[0].controls[0]: no such control 'risk.nope'")
  })

  it('refuses a user profile that silently redefines a shipped provider, and two that overlap', async () => {
    const dir = mkdtempSync(path.join(tmp, 'profiles-'))
    const write = (name: string, text: string) => writeFileSync(path.join(dir, name), text)
    write('aws.yaml', 'id: aws\nname: Our AWS\nservices: []\n')
    const redefined = await rejection(run(withProviderFiles(['aws.yaml']), dir))
    expect(redefined).toContain(
      "aws.yaml: id: provider 'aws' is already defined in catalog/providers/aws.yaml",
    )
    write(
      'one.yaml',
      'id: aws\nname: AWS\noverride: true\nresponsibilities:\n  change: { owner: shared, provider: AWS Config records every change., customer: We review the change log. }\n',
    )
    write(
      'two.yaml',
      'id: aws\nname: AWS\noverride: true\nresponsibilities:\n  change: { owner: us, customer: Every change is ours to review. }\n',
    )
    const overlap = await rejection(run(withProviderFiles(['one.yaml', 'two.yaml']), dir))
    expect(overlap).toContain("two.yaml: responsibilities.change: also set for provider 'aws' in one.yaml")
    write(
      'bad.yaml',
      'id: payroll\nname: Payroll Co\nservices:\n  - { id: payroll, name: Payroll, model: cloud }\n',
    )
    const invalid = await rejection(run(withProviderFiles(['bad.yaml']), dir))
    expect(invalid).toContain('bad.yaml: services[0].model')
  })

  it('applies a user override that changes a shipped provider', async () => {
    const dir = mkdtempSync(path.join(tmp, 'override-'))
    writeFileSync(
      path.join(dir, 'slack.yaml'),
      'id: slack\nname: Slack\noverride: true\nresponsibilities:\n  physical: { owner: shared, provider: Slack runs its data centres through AWS., customer: We check the subservice carve-out each year. }\n',
    )
    const result = await run(withProviderFiles(['slack.yaml']), dir)
    expect(
      result.section.matrix.cells.find(
        (c) => c.providerId === 'slack' && c.control === 'physical.facilities-access-controlled',
      ),
    ).toMatchObject({ owner: 'shared', source: 'provider-profile' })
  })
})

describe('crosswalks', () => {
  const byId = new Map(shipped.crosswalks.map((c) => [c.id, c]))
  const scoped = [...criteria]

  it('ships ISO/IEC 27001:2022, NIST SP 800-53 r5 and CSA CCM v4 mappings with their provenance', () => {
    expect([...byId.keys()].sort()).toEqual(['ccm', 'iso27001', 'nist80053'])
    for (const crosswalk of byId.values()) {
      expect(crosswalk.source.length).toBeGreaterThan(20)
      expect(crosswalk.pairs.length).toBeGreaterThan(30)
    }
    expect(byId.get('nist80053')?.pairs.every((p) => p.relationship === 'subset')).toBe(true)
  })

  it('matches the source data pair for pair', () => {
    const source = JSON.parse(
      readFileSync(referenceFile('soc2', 'crosswalks', 'tsc-to-nist-sp800-53r5.aicpa.json'), 'utf8'),
    ) as { mapping: Record<string, string[]> }
    const pairs = (byId.get('nist80053')?.pairs ?? []).map((p) => `${p.criterion} ${p.id}`).sort()
    const expected = Object.entries(source.mapping)
      .flatMap(([criterion, ids]) => ids.map((id) => `${criterion} ${id}`))
      .sort()
    expect(pairs).toEqual(expected)
  })

  it('says which criteria existing controls meet fully, partly, or not', () => {
    const nist = byId.get('nist80053')
    if (nist === undefined) throw new Error('no nist crosswalk')
    // CC1.5 maps to PS-8a and PS-8b: declaring PS-8 claims both parts, so the criterion is met.
    const result = evaluateCrosswalk(nist, ['PS-8', 'AC-2'], scoped)
    const of = (id: string) => result.criteria.find((c) => c.criterion === id)
    expect(of('CC1.5')).toMatchObject({ status: 'met', matched: ['PS-8a', 'PS-8b'], missing: [] })
    expect(of('CC1.1')?.status).toBe('not-met')
    expect(of('CC1.2')?.status).toBe('no-mapping')
    const iso = byId.get('iso27001')
    if (iso === undefined) throw new Error('no iso crosswalk')
    // ISO pairs only intersect: even every mapped control leaves the criterion partly met.
    const cc14 = evaluateCrosswalk(iso, ['A.6.1'], ['CC1.4']).criteria[0]
    expect(cc14).toMatchObject({ status: 'partial', matched: ['A.6.1'] })
  })

  it('names the file and row of an unknown id in a declared controls list', () => {
    const iso = byId.get('iso27001')
    if (iso === undefined) throw new Error('no iso crosswalk')
    const declared = parseDeclaredList('# our ISO controls\nA.5.15\nA.5.99\n', 'iso-controls.txt')
    expect(() => checkDeclared(iso, declared)).toThrow(ConfigError)
    expect(() => checkDeclared(iso, declared)).toThrow(
      "iso-controls.txt: row 3: unknown ISO/IEC 27001:2022 id 'A.5.99'",
    )
  })

  it("reads a user's CSV mapping and names the row of an unknown criterion", () => {
    const good = crosswalkFromCsv(
      'framework,source,criterion,id,relationship\nCOBIT 2019,"Our licensed COBIT workbook, 2024",CC1.1,APO01.01,intersects\nCOBIT 2019,"Our licensed COBIT workbook, 2024",CC5.3,APO01.03,superset\n',
      'cobit.csv',
      criteria,
    )
    expect(good).toMatchObject({ id: 'cobit-2019', framework: 'COBIT 2019' })
    expect(evaluateCrosswalk(good, ['APO01.03'], ['CC5.3', 'CC1.1']).summary).toMatchObject({
      met: 1,
      'not-met': 1,
    })
    expect(() =>
      crosswalkFromCsv(
        'framework,source,criterion,id,relationship\nCOBIT 2019,ours,CC10.1,APO01.01,equal\n',
        'cobit.csv',
        criteria,
      ),
    ).toThrow("cobit.csv: row 2: criterion: unknown criterion 'CC10.1'")
    expect(() =>
      crosswalkFromFile(
        {
          id: 'x',
          framework: 'X framework',
          source: 'ours',
          mappings: [
            { criterion: 'CC6.1', ids: ['X-1'] },
            { criterion: 'CC6.99', ids: ['X-2'] },
          ],
        },
        'x.yaml',
        criteria,
      ),
    ).toThrow("x.yaml: mappings[1].criterion: unknown criterion 'CC6.99'")
  })
})

describe('policies', async () => {
  const result = await run(demo())

  it('ships the ten starter documents, each tied to controls and criteria', () => {
    expect(shipped.policies.map((p) => p.meta.id).sort()).toEqual([
      'acceptable-use',
      'access-control',
      'business-continuity',
      'change-management',
      'data-classification-retention',
      'incident-response',
      'information-security',
      'risk-assessment',
      'secure-development',
      'vendor-management',
    ])
  })

  it("renders a policy with the organization's details and no placeholder left", () => {
    const config = demo()
    const template = shipped.policies.find((p) => p.meta.id === 'access-control')
    if (template === undefined) throw new Error('no access-control policy')
    const text = renderPolicy(
      template,
      {
        organization: config.organization,
        system: config.system.name,
        systemDescription: config.system.description,
        owners: config.owners,
        asOf: config.scope.asOf,
      },
      config.policies['access-control'],
    )
    expect(text).toContain('# Acme Analytics, Inc.: Access Control Policy')
    expect(text).toContain('Acme Insights')
    expect(text).toContain('Kevin Tran <kevin.tran@acme-analytics.example.com> (it)')
    expect(text).toContain('Dana Whitfield, on 2026-05-03')
    expect(text).not.toMatch(/\{\{/)
  })

  it('raises a gap for an overdue review and for a policy never approved', async () => {
    expect(result.gaps.filter((g) => g.type.startsWith('policy')).map((g) => g.id)).toEqual([
      'policy-review-overdue:business-continuity',
    ])
    expect(result.section.policies.find((p) => p.id === 'business-continuity')).toMatchObject({
      state: 'review-overdue',
      nextReview: '2026-07-29',
    })
    const unapproved = await run(
      demo((d) => {
        delete (d.policies as Record<string, unknown>)['incident-response']
      }),
    )
    expect(unapproved.gaps.find((g) => g.id === 'policy-not-approved:incident-response')).toMatchObject({
      severity: 'high',
      ownerRole: 'security',
      controls: expect.arrayContaining(['incident.response-plan-maintained']),
    })
  })

  it('asks for a new approval when the approved version is older than the template', async () => {
    const older = await run(
      demo((d) => {
        d.policies = {
          ...(d.policies as object),
          'acceptable-use': { version: '0.9', approvedBy: 'Dana', date: '2026-05-03' },
        }
      }),
    )
    expect(older.section.policies.find((p) => p.id === 'acceptable-use')?.state).toBe('outdated-version')
    expect(older.gaps.find((g) => g.id === 'policy-not-approved:acceptable-use')).toMatchObject({
      severity: 'low',
    })
  })

  it('refuses an approval for a policy that does not exist', async () => {
    const message = await rejection(
      run(
        demo((d) => {
          d.policies = {
            ...(d.policies as object),
            travel: { version: '1.0', approvedBy: 'Dana', date: '2026-01-01' },
          }
        }),
      ),
    )
    expect(message).toContain('trustctl.yaml: policies.travel: no such policy')
  })
})

describe('the matrix figure', async () => {
  const { section } = await run(demo())
  const svg = renderResponsibilitySvg(section.matrix)

  it('is well-formed SVG with a title, a legend and a cell per family and service model', () => {
    const parser = new SaxesParser({ xmlns: true })
    const cells: Record<string, string>[] = []
    let titles = 0
    let root: Record<string, string> | undefined
    parser.on('opentag', (tag) => {
      const attributes = Object.fromEntries(
        Object.entries(tag.attributes).map(([k, v]) => [k, typeof v === 'string' ? v : v.value]),
      )
      root ??= attributes
      if (tag.name === 'g' && attributes.class === 'cell') cells.push(attributes)
      if (tag.name === 'title') titles++
    })
    parser.write(svg).close()
    expect(root).toMatchObject({ role: 'img', 'aria-labelledby': 'rm-title rm-desc' })
    const families = section.matrix.families.map((f) => f.family)
    expect(families.length).toBeGreaterThanOrEqual(15)
    expect(cells).toHaveLength(families.length * 4)
    for (const family of families)
      expect(
        cells
          .filter((c) => c['data-family'] === family)
          .map((c) => c['data-column'])
          .sort(),
      ).toEqual(['iaas', 'overall', 'paas', 'saas'])
    // One <title> for the figure, one per column header, per cell and per legend entry.
    expect(titles).toBe(1 + 4 + cells.length + 4)
    expect(svg).toContain('provider: the provider')
  })

  it('escapes names it draws', () => {
    const odd = renderResponsibilitySvg(section.matrix, { title: 'R&D <draft>' })
    expect(odd).toContain('R&amp;D &lt;draft&gt;')
  })
})

describe('the CLI', async () => {
  const dir = mkdtempSync(path.join(tmp, 'cli-'))
  const doc = parseDocument(readFileSync(path.join(demoEstate, 'trustctl.yaml'), 'utf8'))
  doc.set('sources', [])
  writeFileSync(path.join(dir, 'trustctl.yaml'), doc.toString())

  it('prints the matrix as CSV, JSON and SVG', async () => {
    const csv = await trustctl(dir, 'matrix', '--format', 'csv')
    expect(csv.stderr).toBe('')
    expect(csv.code).toBe(0)
    expect(csv.stdout.split('\r\n')[0]).toBe(
      'control,family,provider,service,model,owner,inheritance,evidence_by,provider_duty,customer_duty,cuecs,source,reason',
    )
    const json = await trustctl(dir, 'matrix', '--format', 'json')
    expect(JSON.parse(json.stdout).cells.length).toBeGreaterThan(1000)
    const svg = await trustctl(dir, 'matrix', '--format', 'svg', '--out', 'matrix.svg')
    expect(svg.code).toBe(0)
    expect(readFileSync(path.join(dir, 'matrix.svg'), 'utf8')).toMatch(/^<svg /)
  })

  it('imports a vendor report by its hash, keeping the report out of the config', async () => {
    mkdirSync(path.join(dir, 'reports-in'), { recursive: true })
    const report = path.join(dir, 'reports-in', 'pagerduty-soc2.pdf')
    writeFileSync(report, '%PDF-1.7 a confidential report body\n')
    const expected = createHash('sha256').update(readFileSync(report)).digest('hex')
    const add = await trustctl(
      dir,
      'vendors',
      'add',
      'PagerDuty',
      '--criticality',
      'high',
      '--services',
      'Incident Response,On-call',
    )
    expect(add.stderr).toBe('')
    const missing = await trustctl(dir, 'vendors', 'import', report, '--vendor', 'PagerDuty')
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain('PagerDuty has no report yet; give --type, --period-end, --opinion')
    const imported = await trustctl(
      dir,
      'vendors',
      'import',
      report,
      '--vendor',
      'PagerDuty',
      '--type',
      '2',
      '--period-start',
      '2025-10-01',
      '--period-end',
      '2026-09-30',
      '--opinion',
      'unqualified',
      '--format',
      'json',
    )
    expect(imported.stderr).toBe('')
    expect(JSON.parse(imported.stdout)).toMatchObject({
      sha256: expected,
      file: 'reports-in/pagerduty-soc2.pdf',
    })
    const text = readFileSync(path.join(dir, 'trustctl.yaml'), 'utf8')
    expect(text).toContain(expected)
    expect(text).not.toContain('confidential report body')
    const kept = await trustctl(dir, 'vendors', 'import', report, '--vendor', 'PagerDuty', '--store-report')
    expect(kept.stderr).toBe('')
    expect(readFileSync(path.join(dir, '.trustctl', 'vendor-reports', `${expected}.pdf`), 'utf8')).toContain(
      'confidential',
    )
    expect(readFileSync(path.join(dir, 'trustctl.yaml'), 'utf8')).toContain('storeReport: true')
    const list = await trustctl(dir, 'vendors', 'list', '--format', 'json')
    const vendors = JSON.parse(list.stdout).vendors as { name: string; coverage: string }[]
    expect(vendors.find((v) => v.name === 'PagerDuty')?.coverage).toBe('period-gap')
  })

  it('runs the crosswalk from the declared ISO controls and renders the policies', async () => {
    const crosswalk = await trustctl(dir, 'crosswalk', '--from', 'iso27001', '--format', 'json')
    expect(crosswalk.stderr).toBe('')
    expect(JSON.parse(crosswalk.stdout).summary.partial).toBeGreaterThan(0)
    writeFileSync(path.join(dir, 'ccm.txt'), 'IAM-04\nIAM-99\n')
    const bad = await trustctl(dir, 'crosswalk', '--from', 'ccm', '--controls', 'ccm.txt')
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain("ccm.txt: row 2: unknown CSA CCM v4 id 'IAM-99'")
    // A licensed mapping of the user's own, named in trustctl.yaml.
    writeFileSync(
      path.join(dir, 'cobit.csv'),
      'framework,source,criterion,id,relationship\nCOBIT 2019,Our licensed workbook,CC6.1,DSS05.04,superset\nCOBIT 2019,Our licensed workbook,CC8.1,BAI06.01,intersects\n',
    )
    writeFileSync(path.join(dir, 'cobit-controls.txt'), 'DSS05.04\n')
    const config = parseDocument(readFileSync(path.join(dir, 'trustctl.yaml'), 'utf8'))
    config.setIn(['crosswalks', 'mappings'], ['cobit.csv'])
    writeFileSync(path.join(dir, 'trustctl.yaml'), config.toString())
    const cobit = await trustctl(
      dir,
      'crosswalk',
      '--from',
      'cobit-2019',
      '--controls',
      'cobit-controls.txt',
      '--format',
      'json',
    )
    expect(cobit.stderr).toBe('')
    const criteria = JSON.parse(cobit.stdout).criteria as { criterion: string; status: string }[]
    expect(criteria.find((c) => c.criterion === 'CC6.1')?.status).toBe('met')
    expect(criteria.find((c) => c.criterion === 'CC8.1')?.status).toBe('not-met')
    const render = await trustctl(dir, 'policies', 'render', '--out', 'policies')
    expect(render.code).toBe(0)
    expect(readdirSync(path.join(dir, 'policies'))).toHaveLength(10)
    expect(readFileSync(path.join(dir, 'policies', 'vendor-management.md'), 'utf8')).toContain(
      'Hannah Brooks',
    )
  })
})
