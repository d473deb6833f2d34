import { parseImageReference } from './image-reference.js'

// What `trustctl init` proposes from what it found in a repository: sources, providers and the
// registry allow-list. Pure: the app layer walks the repository and hands the findings over.

/** A file trustctl read while looking around, and the reader that recognised it. */
export interface FoundInput {
  file: string
  collector: string
}

/** A source to propose, with why (shown as a comment beside it). */
export interface ProposedSource {
  path: string
  /** Why it is proposed: what was found there. */
  found: string
}

const readerNames: Readonly<Record<string, string>> = {
  kubernetes: 'Kubernetes manifests',
  dockerfile: 'Dockerfiles',
  'github-actions': 'GitHub Actions workflows',
  'gitlab-ci': 'GitLab CI pipelines',
  terraform: 'Terraform',
  'terraform-plan': 'Terraform plans',
  cloudformation: 'CloudFormation templates',
  'scan-report': 'scanner reports',
}

/**
 * One source per top-level folder holding something trustctl reads (`deploy`, `services`,
 * `infra`), or per file at the top (`Dockerfile`); workflows as `.github/workflows`, since the rest
 * of `.github` (issue templates, dependabot.yml) is not evidence.
 */
export function proposeSources(inputs: readonly FoundInput[]): ProposedSource[] {
  const byPath = new Map<string, Set<string>>()
  for (const input of inputs) {
    const parts = input.file.split('/')
    const top =
      parts[0] === '.github' && parts[1] === 'workflows'
        ? '.github/workflows'
        : parts.length === 1
          ? input.file
          : (parts[0] ?? input.file)
    const kinds = byPath.get(top) ?? new Set<string>()
    kinds.add(readerNames[input.collector] ?? input.collector)
    byPath.set(top, kinds)
  }
  return [...byPath.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([path, kinds]) => ({ path, found: [...kinds].sort().join(', ') }))
}

/** A provider to propose, with the services its resources use and what showed it. */
export interface ProviderSuggestion {
  name: string
  model: 'iaas' | 'paas' | 'saas'
  /** Service ids of the provider's profile (catalog/providers). */
  services: string[]
  found: string
}

/** Resource type prefixes (Terraform and CloudFormation) → the profile's service id. */
const serviceByPrefix: readonly { provider: string; prefixes: readonly string[]; service: string }[] = [
  { provider: 'aws', prefixes: ['aws_s3_', 'AWS::S3::'], service: 's3' },
  { provider: 'aws', prefixes: ['aws_db_', 'aws_rds_', 'AWS::RDS::'], service: 'rds' },
  { provider: 'aws', prefixes: ['aws_eks_', 'AWS::EKS::'], service: 'eks' },
  { provider: 'aws', prefixes: ['aws_kms_', 'AWS::KMS::'], service: 'kms' },
  { provider: 'aws', prefixes: ['aws_cloudtrail', 'AWS::CloudTrail::'], service: 'cloudtrail' },
  {
    provider: 'aws',
    prefixes: [
      'aws_instance',
      'aws_launch_template',
      'aws_autoscaling_',
      'AWS::EC2::Instance',
      'AWS::EC2::LaunchTemplate',
      'AWS::AutoScaling::',
    ],
    service: 'ec2',
  },
  {
    provider: 'aws',
    prefixes: [
      'aws_vpc',
      'aws_subnet',
      'aws_security_group',
      'aws_network_acl',
      'aws_route_table',
      'AWS::EC2::VPC',
      'AWS::EC2::Subnet',
      'AWS::EC2::SecurityGroup',
    ],
    service: 'vpc',
  },
  { provider: 'aws', prefixes: ['aws_ebs_', 'aws_volume_attachment', 'AWS::EC2::Volume'], service: 'ebs' },
  { provider: 'aws', prefixes: ['aws_iam_', 'AWS::IAM::'], service: 'iam' },
  { provider: 'aws', prefixes: ['aws_ecr_', 'AWS::ECR::'], service: 'ecr' },
  { provider: 'aws', prefixes: ['aws_lambda_', 'AWS::Lambda::'], service: 'lambda' },
  { provider: 'aws', prefixes: ['aws_route53_', 'AWS::Route53::'], service: 'route53' },
  { provider: 'aws', prefixes: ['aws_cloudfront_', 'AWS::CloudFront::'], service: 'cloudfront' },
  { provider: 'aws', prefixes: ['aws_guardduty_', 'AWS::GuardDuty::'], service: 'guardduty' },
  { provider: 'gcp', prefixes: ['google_container_'], service: 'gke' },
  { provider: 'gcp', prefixes: ['google_sql_'], service: 'cloud-sql' },
  { provider: 'gcp', prefixes: ['google_storage_'], service: 'cloud-storage' },
  { provider: 'gcp', prefixes: ['google_kms_'], service: 'cloud-kms' },
  { provider: 'gcp', prefixes: ['google_logging_'], service: 'cloud-logging' },
  { provider: 'gcp', prefixes: ['google_cloud_run_'], service: 'cloud-run' },
  { provider: 'gcp', prefixes: ['google_bigquery_'], service: 'bigquery' },
  { provider: 'gcp', prefixes: ['google_compute_instance'], service: 'compute-engine' },
  {
    provider: 'gcp',
    prefixes: ['google_compute_network', 'google_compute_subnetwork', 'google_compute_firewall'],
    service: 'vpc',
  },
  { provider: 'azure', prefixes: ['azurerm_kubernetes_cluster'], service: 'aks' },
  { provider: 'azure', prefixes: ['azurerm_postgresql_'], service: 'postgresql' },
  { provider: 'azure', prefixes: ['azurerm_storage_'], service: 'blob-storage' },
  { provider: 'azure', prefixes: ['azurerm_key_vault'], service: 'key-vault' },
  { provider: 'azure', prefixes: ['azurerm_monitor_', 'azurerm_log_analytics_'], service: 'monitor' },
  {
    provider: 'azure',
    prefixes: ['azurerm_virtual_machine', 'azurerm_linux_virtual_machine', 'azurerm_windows_virtual_machine'],
    service: 'virtual-machines',
  },
  {
    provider: 'azure',
    prefixes: ['azurerm_virtual_network', 'azurerm_subnet', 'azurerm_network_security_group'],
    service: 'virtual-network',
  },
]

const cloudProviders: Readonly<Record<string, { name: string; resourcePrefixes: readonly string[] }>> = {
  aws: { name: 'Amazon Web Services', resourcePrefixes: ['aws_', 'AWS::'] },
  gcp: { name: 'Google Cloud', resourcePrefixes: ['google_'] },
  azure: { name: 'Microsoft Azure', resourcePrefixes: ['azurerm_'] },
}

/**
 * Providers the repository shows: a cloud whose resources its infrastructure code declares (with
 * the services those resources belong to), and the code host whose pipelines it holds.
 */
export function suggestProviders(
  resourceKinds: readonly string[],
  inputs: readonly FoundInput[],
): ProviderSuggestion[] {
  const out: ProviderSuggestion[] = []
  for (const [id, cloud] of Object.entries(cloudProviders)) {
    const kinds = resourceKinds.filter((k) => cloud.resourcePrefixes.some((p) => k.startsWith(p)))
    if (kinds.length === 0) continue
    const services = new Set<string>()
    for (const kind of kinds)
      for (const entry of serviceByPrefix)
        if (entry.provider === id && entry.prefixes.some((p) => kind.startsWith(p)))
          services.add(entry.service)
    const distinct = new Set(kinds).size
    out.push({
      name: cloud.name,
      model: 'iaas',
      services: [...services].sort(),
      found: `${distinct} resource type${distinct === 1 ? '' : 's'} in infrastructure code`,
    })
  }
  if (inputs.some((i) => i.collector === 'github-actions'))
    out.push({
      name: 'GitHub',
      model: 'saas',
      services: ['repositories', 'actions'],
      found: 'GitHub Actions workflows',
    })
  if (inputs.some((i) => i.collector === 'gitlab-ci'))
    out.push({
      name: 'GitLab',
      model: 'saas',
      services: ['repositories', 'ci-cd'],
      found: 'a GitLab CI pipeline',
    })
  return out
}

/**
 * The registry allow-list the images in use suggest: each registry with its first path segment
 * (the organisation or project: `ghcr.io/acme`, `gcr.io/distroless`, `docker.io/library`), or the
 * registry host alone when it holds repositories directly (a private ECR registry). Images whose
 * name is still a variable (`${BASE_IMAGE}`) and `scratch` propose nothing.
 */
export function proposeRegistries(images: readonly string[]): string[] {
  const prefixes = new Set<string>()
  for (const raw of images) {
    const ref = parseImageReference(raw)
    if (ref.scratch || ref.unresolved || ref.repository === '') continue
    const segments = ref.repository.toLowerCase().split('/')
    const prefix = segments.length >= 2 ? `${ref.registry}/${segments[0]}` : ref.registry
    if (prefix !== '') prefixes.add(prefix)
  }
  return [...prefixes].sort()
}
