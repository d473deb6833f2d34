import { redactSecrets } from './secrets.js'

/** Shorter values are too likely to be ordinary words to mask wherever they appear. */
export const minimumMaskedLength = 8

/**
 * Masks credentials in every string of a value, whatever the field: recognised credential shapes
 * (redactSecrets) and each literal secret the secret rules found in the same source file
 * (`fileSecrets`), wherever it reappears — a label, a tag, a RUN line. Object keys are left as they
 * are (they name fields, not values). Copy-on-write: unchanged branches are returned as they are, so
 * an estate without secrets costs one walk and no allocation.
 */
export function redactValue(value: unknown, fileSecrets: readonly string[] = []): unknown {
  const secrets = fileSecrets.filter((s) => s.length >= minimumMaskedLength)
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return maskString(v, secrets)
    if (Array.isArray(v)) {
      let copy: unknown[] | undefined
      v.forEach((element, i) => {
        const next = walk(element)
        if (next !== element) {
          copy ??= [...v]
          copy[i] = next
        }
      })
      return copy ?? v
    }
    if (v !== null && typeof v === 'object') {
      let copy: Record<string, unknown> | undefined
      for (const [key, element] of Object.entries(v)) {
        const next = walk(element)
        if (next !== element) {
          copy ??= { ...v }
          copy[key] = next
        }
      }
      return copy ?? v
    }
    return v
  }
  return walk(value)
}

/**
 * The same for a typed item: the walk only replaces string leaves with strings, so the item keeps
 * its shape and type.
 */
export function redactEvidence<T extends object>(item: T, fileSecrets: readonly string[] = []): T {
  return redactValue(item, fileSecrets) as T
}

function maskString(text: string, secrets: readonly string[]): string {
  let out = text
  for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join('[REDACTED]')
  return redactSecrets(out)
}
