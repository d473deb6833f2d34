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
export function redactValue(
  value: unknown,
  fileSecrets: readonly string[] = [],
  redactShapes: (text: string) => string = redactSecrets,
): unknown {
  const secrets =
    fileSecrets.length === 0 ? fileSecrets : fileSecrets.filter((s) => s.length >= minimumMaskedLength)
  // Plain loops, no Object.entries or forEach: the walk visits every string of an estate, and the
  // allocations of those cost more than the masking itself (measured on the assess benchmark).
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return maskString(v, secrets, redactShapes)
    if (Array.isArray(v)) {
      let copy: unknown[] | undefined
      for (let i = 0; i < v.length; i++) {
        const element: unknown = v[i]
        const next = walk(element)
        if (next !== element) {
          copy ??= [...v]
          copy[i] = next
        }
      }
      return copy ?? v
    }
    if (v !== null && typeof v === 'object') {
      let copy: Record<string, unknown> | undefined
      for (const key in v) {
        if (!Object.hasOwn(v, key)) continue
        const element: unknown = Reflect.get(v, key)
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

/**
 * redactEvidence for one collection (the collect path and the server's merge of pushed evidence).
 * It once remembered each distinct string's result in a Map; since redactSecrets screens a text with
 * two regular expressions before anything else (and remembers the clean texts that pass the screen),
 * that memory cost more than it saved: hashing and storing every unique string of 10k Trivy findings
 * doubled the pass (72 ms against 39 ms), and on the 10k-object Kubernetes estate it was slower too
 * (101 ms against 77 ms, medians of 5 in process, machine at load 8–10).
 */
export function collectionRedactor(): <T extends object>(item: T, fileSecrets?: readonly string[]) => T {
  // An item is masked twice on a first run: for the parse cache as it is parsed, then in the
  // collection (which holds the parsed items, not the cache's). Most come back unchanged: each is
  // remembered with the very list of its file's secrets (FileSecrets gives one list per file), so the
  // second pass is a lookup, not a walk (~10k items, every string screened: ~40 ms at 10k objects).
  const unchanged = new WeakMap<object, readonly string[]>()
  return <T extends object>(item: T, fileSecrets: readonly string[] = noSecrets): T => {
    if (unchanged.get(item) === fileSecrets) return item
    const masked = redactValue(item, fileSecrets, redactSecrets) as T
    if (masked === item) unchanged.set(item, fileSecrets)
    return masked
  }
}

/** The one empty list of secrets, so an item masked without any is known again by identity. */
const noSecrets: readonly string[] = []

function maskString(
  text: string,
  secrets: readonly string[],
  redactShapes: (text: string) => string,
): string {
  let out = text
  for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join('[REDACTED]')
  return redactShapes(out)
}
