import { describe, expect, it } from 'vitest'
import type { AssessmentModel } from '../core/assessment.js'
import { renderHtml } from './html/render-html.js'
import { renderJson } from './json/render-json.js'
import { renderMarkdown } from './markdown/render-markdown.js'

const hostile = '<script>alert(1)</script> | pipe'

const model: AssessmentModel = {
  schemaVersion: 1,
  tool: { name: 'trustctl', version: 'test' },
  generatedAt: '2026-11-30T00:00:00Z',
  configHash: 'x',
  organization: 'Acme',
  system: { name: hostile, description: 'A product-analytics SaaS.' },
  asOf: '2026-11-30',
  scope: { categories: ['security'], criteria: ['CC6.1'], notApplicable: [] },
  checks: [],
  findings: [
    {
      check: 'kubernetes/workload-runs-as-non-root',
      status: 'fail',
      severity: 'high',
      subject: { kind: 'Deployment', name: hostile, namespace: 'web', file: 'deploy/app.yaml', line: 12 },
      message: 'may run as root: app',
      controls: ['workload.non-root'],
      criteria: ['CC6.1'],
    },
  ],
  controls: [],
  criteria: [
    {
      id: 'CC6.1',
      category: 'security',
      series: 'CC6',
      title: 'Logical access',
      status: 'not-ready',
      readiness: 0,
      controls: ['workload.non-root'],
    },
  ],
  gaps: [
    {
      id: 'failing-test:x',
      type: 'failing-test',
      severity: 'high',
      title: 'Workloads run as root',
      criteria: ['CC6.1'],
      controls: ['workload.non-root'],
      ownerRole: 'platform',
      owner: 'Marcus',
      dueDate: '2026-12-30',
      remediation: 'Set runAsNonRoot.',
    },
  ],
  exceptions: [
    {
      check: 'kubernetes/workload-is-not-privileged',
      subject: { kind: 'DaemonSet', namespace: 'security', name: 'falco' },
      reason: 'Falco reads kernel events and needs privileged mode.',
      approvedBy: 'Priya Raman',
      expires: '2027-05-31',
      status: 'applied',
    },
  ],
  errors: [],
  inputs: [
    { file: 'deploy/app.yaml', collector: 'kubernetes', sha256: 'ab'.repeat(32), bytes: 10, items: 1 },
  ],
  summary: {
    criteria: 1,
    controls: 0,
    controlsByStatus: { pass: 0, fail: 0, partial: 0, 'no-evidence': 0, error: 0, 'not-applicable': 0 },
    controlsPassingByTest: 0,
    tests: { passed: 0, failed: 1, noEvidence: 0, errors: 0, notApplicable: 0 },
    findingsByStatus: { pass: 0, fail: 1, 'not-applicable': 0, 'no-evidence': 0, error: 0 },
    gaps: 1,
    gapsBySeverity: { critical: 0, high: 1, medium: 0, low: 0, info: 0 },
    readiness: 0,
    inputErrors: 0,
  },
}

describe('reports', () => {
  it('HTML is one self-contained file with everything escaped', () => {
    const html = renderHtml(model)
    expect(html).not.toContain('<script>')
    expect(html).toContain('&lt;script&gt;')
    // Nothing is loaded from elsewhere: no external scripts, styles, fonts or images.
    expect(html).not.toMatch(/<(script|link|img|iframe)\b/i)
    expect(html).not.toMatch(/url\(/)
    expect(html).toContain('deploy/app.yaml:12')
    expect(html).toContain('class="cell not-ready"')
  })

  it('Markdown keeps table cells intact and lists accepted exceptions', () => {
    const md = renderMarkdown(model)
    expect(md).toContain(
      '| kubernetes/workload-is-not-privileged | DaemonSet security/falco | Falco reads kernel events and needs privileged mode. | Priya Raman | 2027-05-31 | applied |',
    )
    expect(md).toContain('\\| pipe')
    expect(md).toContain(
      '| high | Workloads run as root | CC6.1 | Marcus | 2026-12-30 | Open | Set runAsNonRoot. |',
    )
  })

  it('shows the remediation status and latest note recorded through the team server', () => {
    const [gap] = model.gaps
    if (gap === undefined) throw new Error('the fixture has a gap')
    const tracked = {
      ...model,
      gaps: [
        {
          ...gap,
          owner: 'Tomás',
          tracking: {
            status: 'in-progress' as const,
            updatedAt: '2026-12-01T09:00:00Z',
            updatedBy: 'ana@example.com',
            comments: [{ author: 'ana@example.com', body: 'Fix in review.', at: '2026-12-02T09:00:00Z' }],
          },
        },
      ],
    }
    expect(renderMarkdown(tracked)).toContain(
      '| Tomás | 2026-12-30 | In progress | Set runAsNonRoot. Latest note (ana@example.com, 2026-12-02): Fix in review. |',
    )
    const html = renderHtml(tracked)
    expect(html).toContain('<td>In progress</td>')
    expect(html).toContain('Fix in review.')
  })

  it('Markdown and HTML list every resource not assessed, with where it is and why', () => {
    const covered: AssessmentModel = {
      ...model,
      coverage: {
        resources: 3,
        assessed: 2,
        notAssessed: 1,
        byType: [
          {
            source: 'terraform',
            resourceKind: 'aws_rds_cluster',
            evidenceKind: 'iac.resource',
            count: 1,
            assessed: 0,
            notAssessed: 1,
            notAssessedResources: [
              {
                name: 'aws_rds_cluster.main',
                file: 'infra/db.tf',
                line: 4,
                reason: 'no check examines aws_rds_cluster resources',
              },
            ],
          },
          {
            source: 'kubernetes',
            resourceKind: 'Deployment',
            evidenceKind: 'k8s.workload',
            count: 2,
            assessed: 2,
            notAssessed: 0,
            notAssessedResources: [],
          },
        ],
      },
    }
    const md = renderMarkdown(covered)
    expect(md).toContain('## Coverage')
    expect(md).toContain('| terraform | aws_rds_cluster | 1 | 0 | 1 |')
    expect(md).toContain(
      '| terraform aws_rds_cluster | infra/db.tf:4 | aws_rds_cluster.main | no check examines aws_rds_cluster resources |',
    )
    const html = renderHtml(covered)
    expect(html).toContain('id="coverage"')
    expect(html).toContain('<td>infra/db.tf:4</td>')
    expect(renderMarkdown(model)).not.toContain('## Coverage')
  })

  it('JSON round-trips the model', () => {
    expect(JSON.parse(renderJson(model))).toEqual(model)
  })
})
