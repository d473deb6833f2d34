import { stringify } from 'yaml'

export interface InitAnswers {
  organization: string
  systemName: string
  description: string
  categories: string[]
  asOf: string
  sources: string[]
  providers: { name: string; model: 'iaas' | 'paas' | 'saas'; services: string[] }[]
  /** Fingerprint (hex) of the key that signs the ledger: pinned in the file the team commits. */
  ledgerKey?: string
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

# Where evidence is read. Each file's type is detected: Kubernetes manifests (*.yaml), Dockerfiles,
# GitHub Actions workflows (.github/workflows), GitLab CI (.gitlab-ci.yml). Force one with
# type: kubernetes|dockerfile|github-actions|gitlab-ci,
# skip files with exclude: [glob, ...]. Helm charts and Kustomize overlays must be rendered first.
sources:
${a.sources.length === 0 ? '  []' : a.sources.map((s) => `  - path: ${scalar(s)}`).join('\n')}

# The providers the system runs on: iaas (AWS, GCP, Azure), paas (managed databases, managed Kubernetes),
# saas (GitHub, Okta, Slack…).
providers:
${a.providers.length === 0 ? '  []' : a.providers.map((p) => `  - { name: ${scalar(p.name)}, model: ${p.model}, services: ${list(p.services)} }`).join('\n')}

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
owners: {}
#  security: Jane Doe <jane@example.com>
#  platform: ...
#  engineering: ...
#  people: ...
#  compliance: ...

# Per-check parameters, e.g. which registries images may come from.
checks: {}
#  container/final-image-from-allowed-registry:
#    params: { allowedRegistries: [gcr.io/distroless, 123456789012.dkr.ecr.us-east-1.amazonaws.com] }
#  kubernetes/workload-image-from-allowed-registry:
#    params: { allowedRegistries: [gcr.io/distroless] }

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
