/**
 * Where the live collector sends its calls. The AWS SDK's own variables decide, read from the run's
 * environment (not the process's), so a test or a server job can point one source at its own API:
 * `AWS_ENDPOINT_URL_<SERVICE>` then `AWS_ENDPOINT_URL` (a VPC interface endpoint, a proxy, a local AWS
 * API such as moto_server), `AWS_USE_FIPS_ENDPOINT` and `AWS_USE_DUALSTACK_ENDPOINT`.
 */

type Env = Readonly<Record<string, string | undefined>>

/** The services the collector calls, by the suffix of their `AWS_ENDPOINT_URL_<SERVICE>` variable. */
export const awsServices = [
  'STS',
  'IAM',
  'S3',
  'S3_CONTROL',
  'CLOUDTRAIL',
  'GUARDDUTY',
  'RDS',
  'EC2',
  'KMS',
  'EKS',
  'ELASTIC_LOAD_BALANCING_V2',
] as const
export type AwsService = (typeof awsServices)[number]

const isTrue = (value: string | undefined) => value?.trim().toLowerCase() === 'true'

/**
 * The custom endpoint for a service, or undefined for AWS's own. Throws with the variable's name when
 * it holds no http(s) URL, so a typo is named instead of surfacing later as the SDK's "Invalid URL".
 */
export function customEndpoint(env: Env, service: AwsService): string | undefined {
  if (isTrue(env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS)) return undefined
  for (const name of [`AWS_ENDPOINT_URL_${service}`, 'AWS_ENDPOINT_URL']) {
    const value = env[name]?.trim()
    if (value === undefined || value === '') continue
    let url: URL
    try {
      url = new URL(value)
    } catch {
      throw new Error(
        `${name}: '${value}' is not a URL (expected e.g. https://vpce-0abc.sts.eu-west-1.vpce.amazonaws.com)`,
      )
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new Error(`${name}: '${value}' is not an http or https URL`)
    return value
  }
  return undefined
}

/**
 * True when the endpoint's host cannot take a DNS label in front: an IP address or `localhost`.
 * S3 Control puts the account id in front of the host (`123456789012.<host>`); on such a host that
 * is no URL at all, and the local AWS APIs that listen there read the account from the
 * `x-amz-account-id` header instead.
 */
export function hostTakesNoPrefix(endpoint: string): boolean {
  const host = new URL(endpoint).hostname
  return host === 'localhost' || /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.startsWith('[')
}

/** Client settings from the environment: the custom endpoint, FIPS and dual-stack switches. */
export function endpointSettings(env: Env, service: AwsService) {
  const endpoint = customEndpoint(env, service)
  return {
    ...(endpoint === undefined ? {} : { endpoint }),
    ...(isTrue(env.AWS_USE_FIPS_ENDPOINT) ? { useFipsEndpoint: true } : {}),
    ...(isTrue(env.AWS_USE_DUALSTACK_ENDPOINT) ? { useDualstackEndpoint: true } : {}),
  }
}

/** Static credentials from the run's environment, when it holds a key pair (the chain's first link). */
export function environmentCredentials(env: Env) {
  const accessKeyId = env.AWS_ACCESS_KEY_ID
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY
  if (
    accessKeyId === undefined ||
    accessKeyId === '' ||
    secretAccessKey === undefined ||
    secretAccessKey === ''
  )
    return undefined
  const sessionToken = env.AWS_SESSION_TOKEN
  return {
    accessKeyId,
    secretAccessKey,
    ...(sessionToken === undefined || sessionToken === '' ? {} : { sessionToken }),
  }
}

/** One line for an SDK error: its name and the first line of its message, never its stack. */
export function describeAwsError(error: unknown): string {
  const name = error instanceof Error ? error.name : ''
  const raw = error instanceof Error ? error.message : String(error)
  const message = raw.split('\n')[0]?.trim() ?? ''
  if (name === '' || name === 'Error') return message
  return message.startsWith(name) ? message : `${name}: ${message}`
}
