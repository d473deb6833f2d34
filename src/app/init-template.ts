import { stringify } from 'yaml'
import { ownerRoles } from '../core/catalog.js'

export interface InitAnswers {
  organization: string
  systemName: string
  description: string
  categories: string[]
  asOf: string
  /** Repository paths read with per-file type detection; `found` says what init saw there. */
  sources: { path: string; found?: string | undefined }[]
  /** Helm charts and Kustomize overlays found: how to render each (a comment in the file). */
  toRender: { file: string; hint?: string | undefined }[]
  /** Scan the repository's files for credentials (a `secrets` source). */
  secrets: boolean
  /** Also scan every line any commit added for credentials. */
  secretsHistory: boolean
  /** Read the git history for change-management evidence (a `git-history` source). */
  gitHistory: boolean
  providers: {
    name: string
    model: 'iaas' | 'paas' | 'saas'
    services: string[]
    found?: string | undefined
  }[]
  /** Control owner role → person. */
  owners: Record<string, string>
  /** Registry prefixes images may come from; empty leaves the checks to say none is configured. */
  allowedRegistries: string[]
  /** The SOC 2 package's inputs only people know. */
  package: {
    services: string[]
    commitments: string[]
    management?: { name: string; title: string } | undefined
  }
  /** Fingerprint (hex) of the key that signs the ledger: pinned in the file the team commits. */
  ledgerKey?: string
}

/** Trailing comment saying what init found, aligned loosely: a hint, not a table. */
const found = (text: string | undefined): string => (text === undefined ? '' : `   # found: ${text}`)

function renderSources(a: InitAnswers): string {
  const list = (items: readonly string[]): string => `[${items.map(scalar).join(', ')}]`
  const lines = a.sources.map((s) => `  - path: ${scalar(s.path)}${found(s.found)}`)
  if (a.secrets)
    lines.push(
      `  - { type: secrets, path: ., history: ${a.secretsHistory}, exclude: ${list(['reports/**'])} }   # credentials left in files${a.secretsHistory ? ' and in commits' : ''}`,
    )
  if (a.gitHistory)
    lines.push(
      '  - { type: git-history, path: . }   # change management: who changed what, reviewed by whom (add pullRequests: from gh pr list)',
    )
  const body = lines.length === 0 ? '  []' : lines.join('\n')
  if (a.toRender.length === 0) return body
  const render = a.toRender.map((r) => `#   ${r.file}: ${r.hint ?? 'render it first'}`)
  return `${body}\n# Found, and reported by every run until rendered: charts and overlays exist as objects only once built.\n${render.join('\n')}`
}

function renderOwners(a: InitAnswers, roles: readonly string[]): string {
  const set = Object.entries(a.owners).map(([role, person]) => `  ${role}: ${scalar(person)}`)
  const unset = roles.filter((r) => a.owners[r] === undefined).map((r) => `#  ${r}: ...`)
  return `${set.length === 0 ? 'owners: {}' : `owners:\n${set.join('\n')}`}${unset.length === 0 ? '' : `\n${unset.join('\n')}`}`
}

function renderChecks(a: InitAnswers): string {
  if (a.allowedRegistries.length === 0)
    return `checks: {}
#  container/final-image-from-allowed-registry:
#    params: { allowedRegistries: [gcr.io/distroless, 123456789012.dkr.ecr.us-east-1.amazonaws.com] }
#  kubernetes/workload-image-from-allowed-registry:
#    params: { allowedRegistries: [gcr.io/distroless] }`
  const registries = `[${a.allowedRegistries.map(scalar).join(', ')}]`
  return `# The registries below are the ones the images in this repository come from today: keep only those
# you approve (a registry listed here is one nobody questions).
checks:
  container/final-image-from-allowed-registry:
    params: { allowedRegistries: ${registries} }
  kubernetes/workload-image-from-allowed-registry:
    params: { allowedRegistries: ${registries} }`
}

function renderPackage(a: InitAnswers): string {
  const p = a.package
  const lines: string[] = []
  if (p.services.length > 0) lines.push('  services:', ...p.services.map((s) => `    - ${scalar(s)}`))
  if (p.commitments.length > 0)
    lines.push('  commitments:', ...p.commitments.map((s) => `    - ${scalar(s)}`))
  if (p.management !== undefined)
    lines.push(`  management: { name: ${scalar(p.management.name)}, title: ${scalar(p.management.title)} }`)
  const example = [
    '#  services: [Hosted product analytics for web and mobile applications]',
    '#  commitments: [99.9% monthly availability (Terms of Service, section 4)]',
    '#  management: { name: Jane Doe, title: Chief Executive Officer }',
    '#  data: [{ category: Customer events, description: Usage events sent by customer apps, classification: confidential }]',
  ]
  return lines.length === 0 ? `package: {}\n${example.join('\n')}` : `package:\n${lines.join('\n')}`
}

/** A YAML scalar, quoted only where YAML needs it. */
function scalar(value: string): string {
  return stringify(value).trimEnd()
}

/** trustctl.yaml with a comment on every section, so the file documents itself. */
export function renderInitConfig(a: InitAnswers): string {
  const list = (items: readonly string[]): string => `[${items.map(scalar).join(', ')}]`
  return `# trustctl configuration. Paths are relative to this file.
# Docs: trustctl explain <criterion|control|check> answers what any id means.
version: 1

# The service organization whose system is being assessed.
organization: ${scalar(a.organization)}

system:
  name: ${scalar(a.systemName)}
  # What the system does, for whom, where it runs. Goes into the report as written.
  description: ${scalar(a.description)}

scope:
  # Trust Services categories. security (the common criteria CC1–CC9) is always in scope;
  # add availability, confidentiality, processing-integrity or privacy as your commitments require.
  categories: ${list(a.categories)}
  # The date the assessment speaks for (Type 1: "as of"). Manual evidence is current or overdue relative to it.
  asOf: ${a.asOf}

# Where evidence is read. Each file's type is detected: Kubernetes manifests (YAML or JSON), Dockerfiles,
# GitHub Actions workflows (.github/workflows), GitLab CI (.gitlab-ci.yml), Terraform (.tf), Terraform
# plans, CloudFormation templates and scanner reports (Trivy, Grype, SARIF, ...). Force one with
# type: kubernetes|dockerfile|github-actions|gitlab-ci, skip files with exclude: [glob, ...].
# Helm charts and Kustomize overlays must be rendered first.
sources:
${renderSources(a)}

# The providers the system runs on: iaas (AWS, GCP, Azure), paas (managed databases, managed Kubernetes),
# saas (GitHub, Okta, Slack…).
providers:
${a.providers.length === 0 ? '  []' : a.providers.map((p) => `  - { name: ${scalar(p.name)}, model: ${p.model}, services: ${list(p.services)} }${found(p.found)}`).join('\n')}

# A provider is matched to its profile (catalog/providers) by name; each service must be one of the
# profile's. Add method: inclusive when your auditor tests the provider instead of relying on its
# report, and overrides: [{ family|control, service?, owner: us|shared|provider, reason }].
# \`trustctl matrix\` shows who owns each control on each service.

# The vendor register and each vendor's SOC 2 report (\`trustctl vendors add\` / \`vendors import\`),
# policy approvals (\`trustctl policies list\`) and the risk register. See the README.
vendors: []
#  - { name: Okta, services: [Workforce Identity], criticality: critical, dataShared: [staff identities] }
policies: {}
#  access-control: { version: "1.0", approvedBy: Jane Doe, date: 2026-05-03 }
risks: []
#  - { id: R-001, title: Cloud account takeover, likelihood: 3, impact: 5, treatment: mitigate, controls: [access.sso-with-mfa-enforced] }

# Who owns each control role. Gaps are assigned to these people.
${renderOwners(a, ownerRoles)}

# Per-check parameters, e.g. which registries images may come from.
${renderChecks(a)}

# Controls that do not apply, with the reason (it goes into the report), or an owner override.
controls: {}
#  physical.facilities-access-controlled:
#    notApplicable: Fully remote company; data centres are the cloud provider's (see its SOC 2 report).

# Accepted exceptions: a failing subject you have decided to accept, with reason, approver and expiry.
# The report lists each one; once it expires the failure counts again.
exceptions: []
#  - check: kubernetes/workload-is-not-privileged
#    subject: { kind: DaemonSet, namespace: security, name: falco }
#    reason: The runtime sensor needs privileged mode to read kernel events.
#    approvedBy: Jane Doe
#    expires: 2027-06-30

# Evidence people provide: what was done, when, by whom, where the record is.
attestations: []
#  - evidence: quarterly-access-review
#    date: 2026-10-01
#    by: Jane Doe
#    reference: https://tickets.example.com/SEC-123

# What only people know, for the SOC 2 package (\`trustctl package\`): the services the system provides,
# the commitments made to customers, who signs management's assertion. Missing items are named in it.
${renderPackage(a)}
${
  a.ledgerKey === undefined
    ? ''
    : `
# The key that signs the evidence ledger, pinned: \`trustctl verify\` requires it (or a key it endorsed
# with \`trustctl key rotate\`). Commit this file, and trustctl.anchor once \`assess\` writes it.
ledger:
  key: sha256:${a.ledgerKey}
`
}`
}
