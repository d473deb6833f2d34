import { type Document, isAlias, isMap, isNode, isScalar, isSeq, type LineCounter, type Node } from 'yaml'
import type { CollectionError } from '../../core/evidence.js'

/** A mapping entry after merge keys: the key node (for its line) and the value node. */
export interface Entry {
  key: Node
  value: unknown
}

/** GitLab allows `!reference` and `extends` to nest this deep; deeper is a loop or a mistake. */
export const maxDepth = 10

/**
 * Reads one pipeline document node by node. GitLab files lean on YAML anchors, `<<:` merge keys and
 * `!reference` tags, which the `yaml` node API leaves unresolved; this follows them so that every value
 * still carries the line it was written on.
 */
export interface YamlReader {
  file: string
  errors: CollectionError[]
  lineOf(node: unknown): number
  /** Follows aliases to the node they name. */
  deref(node: unknown): unknown
  /** A mapping's entries with `<<:` merges applied (own keys win) and aliases followed; undefined if no mapping. */
  entries(node: unknown): Map<string, Entry> | undefined
  /** A scalar as a string; undefined for null, collections and missing nodes. */
  text(node: unknown): string | undefined
  /** The node a `!reference [name, key, …]` points at, or undefined when it is not in this file. */
  reference(node: unknown): unknown
  /** True for a `!reference [...]` sequence. */
  isReference(node: unknown): boolean
  error(node: unknown, message: string): void
}

export function createYamlReader(
  document: Document,
  lineCounter: LineCounter,
  file: string,
  errors: CollectionError[],
): YamlReader {
  const lineOf = (node: unknown): number => {
    const range = isNode(node) ? node.range : undefined
    return range ? lineCounter.linePos(range[0]).line : 1
  }
  const deref = (node: unknown): unknown => {
    let current = node
    for (let depth = 0; isAlias(current) && depth <= maxDepth; depth++) current = current.resolve(document)
    return current
  }
  const entries = (node: unknown, depth = 0): Map<string, Entry> | undefined => {
    const map = deref(node)
    if (!isMap(map)) return undefined
    const out = new Map<string, Entry>()
    const own: [string, Entry][] = []
    for (const pair of map.items) {
      if (!isScalar(pair.key)) continue
      const key = String(pair.key.value)
      if (key === '<<' && depth < maxDepth) {
        // YAML merge keys: earlier sources win over later ones, and the mapping's own keys over all.
        const value = deref(pair.value)
        const sources = isSeq(value) ? value.items : [value]
        for (const source of sources) {
          for (const [k, entry] of entries(source, depth + 1) ?? []) if (!out.has(k)) out.set(k, entry)
        }
        continue
      }
      own.push([key, { key: pair.key, value: pair.value }])
    }
    for (const [key, entry] of own) out.set(key, entry)
    return out
  }
  const root = entries(document.contents)
  const isReference = (node: unknown): boolean => isSeq(node) && node.tag === '!reference'
  const text = (node: unknown): string | undefined => {
    const scalar = deref(node)
    if (!isScalar(scalar) || scalar.value === null || scalar.value === undefined) return undefined
    return String(scalar.value)
  }
  return {
    file,
    errors,
    lineOf,
    deref,
    entries: (node) => entries(node),
    text,
    isReference,
    reference: (node) => {
      const target = deref(node)
      if (!isSeq(target)) return undefined
      const [first, ...rest] = target.items.map(text)
      let current: unknown = first === undefined ? undefined : root?.get(first)?.value
      for (const key of rest) {
        if (current === undefined || key === undefined) return undefined
        current = entries(current)?.get(key)?.value
      }
      return deref(current)
    },
    error: (node, message) => {
      errors.push({ file, line: lineOf(node), message })
    },
  }
}
