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
  /:\/\/[^/\s:@]+:[^/\s@]{3,}@/, // credentials in a URL
]

const secretName =
  /(PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIALS?)$/i

/** True when a value has the shape of a known credential format. */
export function valueLooksLikeSecret(value: string): boolean {
  return secretPatterns.some((pattern) => pattern.test(value))
}

/** True when a variable name says it holds a credential (`DB_PASSWORD`, `STRIPE_API_KEY`). */
export function nameLooksLikeSecret(name: string): boolean {
  return secretName.test(name)
}

/** Replaces every recognised credential in a text with a fixed marker. */
export function redactSecrets(text: string): string {
  let out = text
  for (const pattern of secretPatterns) {
    out = out.replace(new RegExp(pattern.source, 'g'), '[REDACTED]')
  }
  return out
}
