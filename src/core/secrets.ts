/**
 * Recognises credentials in values collectors see (env values, ENV/ARG defaults) so that they can
 * record *that* a secret was there without ever storing it.
 */

const secretPatterns: readonly RegExp[] = [
  /\bAKIA[0-9A-Z]{16}\b/, // AWS access key id
  /\bASIA[0-9A-Z]{16}\b/, // AWS temporary access key id
  /\bgh[pousr]_[A-Za-z0-9]{30,}\b/, // GitHub tokens
  /\bgithub_pat_[A-Za-z0-9_]{40,}\b/,
  /\bglpat-[A-Za-z0-9_-]{20,}\b/, // GitLab personal access token
  /\bxox[abposr]-[A-Za-z0-9-]{10,}\b/, // Slack tokens
  /\b[sr]k_(live|test)_[A-Za-z0-9]{16,}\b/, // Stripe keys
  /\bAIza[0-9A-Za-z_-]{35}\b/, // Google API key
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
  /\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/, // JWT
  /:\/\/[^/\s:@]*:[^/\s@]{3,}@/, // credentials in a URL (the user name may be empty: redis://:pw@host)
]

const secretName =
  /((PASSWORD|PASSWD|PASSPHRASE|SECRET|SECRET_?KEY(_BASE)?|SIGNING_?KEY|(ENCRYPTION|HMAC|SESSION|MASTER)_?KEY|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIALS?(_JSON)?)|(^|[_-])(PASS|PWD))$/i

/** True when a value has the shape of a known credential format. */
export function valueLooksLikeSecret(value: string): boolean {
  return secretPatterns.some((pattern) => pattern.test(value))
}

/** True when a variable name says it holds a credential (`DB_PASSWORD`, `STRIPE_API_KEY`). */
export function nameLooksLikeSecret(name: string): boolean {
  return secretName.test(name)
}

/**
 * Credentials written inline in commands and config, where the value has no recognisable shape but
 * its position gives it away. Each keeps its lead-in (group 1) and masks the value.
 */
const inlineCredentials: readonly RegExp[] = [
  // NAME=value and NAME: value for credential-like names (`DB_PASSWORD=hunter2`, `--api-key=…`).
  // A boolean is a setting, not a credential: `automountServiceAccountToken: true` stays readable.
  /\b([A-Za-z0-9_.-]*(?:PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|API[_-]?KEY|PRIVATE[_-]?KEY|ACCESS[_-]?KEY|CREDENTIALS?)\s*[=:]\s*)(?!\$\{\{)(?!(?:true|false)(?![^\s"';&|,.)]))("[^"]*"|'[^']*'|[^\s"';&|]+)/gi,
  // --password value, --token value, -p<value> / -p value as mysql and friends take them.
  /((?:^|\s)--?(?:password|passwd|pass|token|secret|api-key|apikey)(?:=|\s+))("[^"]*"|'[^']*'|[^\s"';&|]+)/gi,
  /((?:^|\s)-p)(?!\s*-)([^\s"';&|]{3,})/g,
  // HTTP Authorization headers (Basic, Bearer, token).
  /(Authorization\s*[:=]?\s*["']?(?:Basic|Bearer|token)\s+)([A-Za-z0-9._~+/=-]+)/gi,
]

// Global copies compiled once: redaction runs on every RUN line and script step of an estate.
const secretPatternsGlobal: readonly RegExp[] = secretPatterns.map((p) => new RegExp(p.source, 'g'))

/**
 * Short texts already found to hold no credential. Check messages repeat (the same pass message for
 * every workload), and the admission webhook redacts each on every review: the patterns run once per
 * distinct text. Only clean texts are kept, so the cache never holds a credential.
 */
const cleanTexts = new Set<string>()
const cleanTextLimit = 4096

/** Replaces every recognised credential in a text with a fixed marker. */
export function redactSecrets(text: string): string {
  // The screen first: cheaper than hashing the text for the cache, and most texts stop here.
  if (!mayHoldCredential(text) || cleanTexts.has(text)) return text
  const out = redactUncached(text)
  if (out === text && text.length <= 512) {
    if (cleanTexts.size >= cleanTextLimit) cleanTexts.clear()
    cleanTexts.add(text)
  }
  return out
}

/**
 * A screen run before the fifteen replaces: a text no credential pattern can match is returned as is.
 * The case-sensitive patterns are joined as they are (the union matches exactly where one of them
 * would); every case-insensitive one needs a keyword (`pass`, `token`, `authorization`, …), which a
 * literal alternation finds far faster than the patterns' leading character classes. Measured on 10k
 * Trivy titles: 53 ms of replaces became 3 ms of screening (scanner imports redact every title).
 */
const caseSensitiveScreen = new RegExp(
  [...secretPatterns, ...inlineCredentials.filter((p) => !p.ignoreCase)]
    .map((p) => `(?:${p.source})`)
    .join('|'),
)
const keywordScreen = /pass|secret|token|api[_-]?key|private[_-]?key|access[_-]?key|credential|authorization/i

/** False only when no credential pattern can match anywhere in the text. */
export function mayHoldCredential(text: string): boolean {
  return caseSensitiveScreen.test(text) || keywordScreen.test(text)
}

function redactUncached(text: string): string {
  let out = text
  for (const pattern of secretPatternsGlobal) {
    out = out.replace(pattern, '[REDACTED]')
  }
  for (const pattern of inlineCredentials) {
    out = out.replace(pattern, (_match, lead: string) => `${lead}[REDACTED]`)
  }
  return out
}

/** What a credential field holds once kept: a declarative rule can still see that it is set. */
export const maskedValue = '(redacted)'

/**
 * Replaces the value of every field whose name says it holds a credential (`master_password`,
 * `auth_token`, `privateKey`) with a marker, at any depth. For evidence that keeps a resource's
 * settings as written (Terraform attributes, a custom resource's spec): it never keeps a secret.
 */
export function maskCredentialFields(value: unknown, name = ''): unknown {
  if (typeof value === 'string') return value !== '' && nameLooksLikeSecret(name) ? maskedValue : value
  if (Array.isArray(value)) return value.map((v) => maskCredentialFields(v, name))
  if (value !== null && typeof value === 'object') return maskCredentialFieldMap(value)
  return value
}

/** maskCredentialFields for an object, typed as a record. */
export function maskCredentialFieldMap(values: object): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(values)) out[k] = maskCredentialFields(v, k)
  return out
}
