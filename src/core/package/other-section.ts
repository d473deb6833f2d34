import { gapStatusLabel, latestGapNote } from '../labels.js'
import type { Block, Section } from './document.js'
import { type DocumentContext, p, section } from './document-blocks.js'

function firstSentence(text: string): string {
  const end = text.search(/\.\s/)
  return end === -1 ? text : text.slice(0, end + 1)
}

/** Per criterion: how many of our controls, which subservice organizations, whether customers too. */
function criterionResponsibilities({ f }: DocumentContext): string[][] {
  return f.assessment.criteria.map((criterion) => {
    const providers = f.subserviceOrganizations
      .filter((s) => s.controlsAssumed.some((a) => a.criteria.includes(criterion.id)))
      .map((s) => s.name)
    const users = f.userEntityControls.some((u) => u.criteria.includes(criterion.id))
    return [
      criterion.id,
      `${criterion.controls.length} control${criterion.controls.length === 1 ? '' : 's'}`,
      providers.join(', ') || '—',
      users ? 'Yes (section 3.6)' : '—',
    ]
  })
}

/** The vendors' reports as recorded, or the reports still to obtain from each subservice organization. */
function attestationTable({ f }: DocumentContext): Block {
  const tp = f.thirdParties
  if (tp !== undefined && tp.attestations.length > 0)
    return {
      type: 'table',
      columns: ['Vendor', 'Report', 'Period', 'Opinion', 'Bridge letter', 'Reviewed'],
      widths: [2, 2, 2, 1.5, 1.5, 1.3],
      rows: tp.attestations.map((a) => [
        a.vendor,
        a.report,
        a.period,
        a.opinion,
        a.bridgeLetter ?? '',
        a.reviewedOn ?? '',
      ]),
    }
  return {
    type: 'table',
    columns: ['Subservice organization', 'Report to obtain', 'Period', 'Opinion', 'Bridge letter'],
    widths: [2, 2, 2, 1.5, 1.5],
    rows: f.subserviceOrganizations.map((s) => [
      s.name,
      'SOC 2 Type 2',
      'not recorded',
      'not recorded',
      'not recorded',
    ]),
  }
}

function attestations(context: DocumentContext): Section {
  const { f, t } = context
  const tp = f.thirdParties
  return section('attestations', '5.1', 'Third-party attestations', [
    p(t.say('other-information.attestations')),
    attestationTable(context),
    ...(tp === undefined ? [p(t.say('other-information.attestations-not-recorded'), 'muted')] : []),
    ...(tp !== undefined && tp.providerUserControls.length > 0
      ? [
          p(t.say('other-information.provider-user-controls'), 'strong'),
          {
            type: 'table',
            columns: ['Vendor', 'Control expected of us', 'Addressed by'],
            widths: [1.5, 5, 2],
            rows: tp.providerUserControls.map((u) => [u.provider, u.control, u.addressedBy ?? 'not mapped']),
          } satisfies Block,
        ]
      : []),
  ])
}

function responsibilityMatrix(context: DocumentContext): Section {
  const { f, t } = context
  const recorded = f.thirdParties?.responsibilities ?? []
  return section('responsibility-matrix', '5.2', 'Responsibility matrix', [
    p(t.say('other-information.responsibility-matrix')),
    recorded.length > 0
      ? {
          type: 'table',
          columns: ['Control', 'Responsibility', 'Provider', 'Note'],
          widths: [3, 1.5, 1.5, 3],
          rows: recorded.map((r) => [r.control, r.responsibility, r.provider ?? '', r.note ?? '']),
        }
      : {
          type: 'table',
          columns: ['Criterion', 'Organization controls', 'Subservice organizations', 'User entities'],
          widths: [1, 1.4, 3, 1.2],
          rows: criterionResponsibilities(context),
        },
  ])
}

function remediation({ f, t }: DocumentContext): Section {
  return section('remediation', '5.3', 'Remediation plan for open gaps', [
    f.gaps.length === 0
      ? p(t.say('other-information.no-gaps'))
      : {
          type: 'table',
          columns: ['Gap', 'Severity', 'Criteria', 'Owner', 'Due', 'Status', 'Remediation'],
          widths: [3, 1, 1.3, 1.8, 1.2, 1.3, 4],
          rows: f.gaps.map((g) => [
            g.title,
            g.severity,
            g.criteria.join(', '),
            g.owner.replace(/\s*<[^>]*>/, ''),
            g.dueDate,
            gapStatusLabel(g),
            [firstSentence(g.remediation), latestGapNote(g)].filter((t) => t !== '').join(' '),
          ]),
        },
  ])
}

const shownEvidence = 500

function evidenceIndex({ f, t }: DocumentContext): Section {
  const ledger = f.ledger
  return section('evidence', '5.4', 'Evidence index and integrity', [
    p(
      ledger === undefined
        ? t.say('other-information.evidence-unsigned')
        : t.say('other-information.evidence-signed', { algorithm: ledger.algorithm }),
    ),
    ...(ledger === undefined
      ? []
      : [
          {
            type: 'fields',
            rows: [
              ['Signature algorithm', ledger.algorithm],
              ['Key fingerprint (SHA-256)', ledger.keyId ?? ''],
              ['Chain head', ledger.head ?? ''],
              ['Public key', ledger.publicKey.replace(/-----(BEGIN|END) PUBLIC KEY-----|\s/g, '')],
            ],
          } satisfies Block,
        ]),
    {
      type: 'table',
      columns: ['File', 'Read as', 'SHA-256'],
      widths: [3, 1.3, 5],
      rows: f.evidence.slice(0, shownEvidence).map((e) => [e.file, e.collector, e.sha256]),
    },
    ...(f.evidence.length > shownEvidence
      ? [p(t.say('other-information.more-evidence', { count: f.evidence.length - shownEvidence }), 'muted')]
      : []),
  ])
}

function about({ f, t }: DocumentContext): Section {
  return section('about', '5.5', 'About this package', [
    {
      type: 'fields',
      rows: [
        ['Generated', f.generatedAt],
        ['Generated by', `trustctl ${f.toolVersion}`],
        ['Configuration hash', f.configHash],
        ['Companion files', t.say('other-information.companion-files')],
      ],
    },
  ])
}

/** Section 5: what management adds for report users, outside the auditor's opinion. */
export function otherSection(context: DocumentContext): Section {
  return section(
    'other',
    '5',
    'Other information provided by management',
    [p(context.t.say('other-information.intro'))],
    [
      attestations(context),
      responsibilityMatrix(context),
      remediation(context),
      evidenceIndex(context),
      about(context),
    ],
  )
}
