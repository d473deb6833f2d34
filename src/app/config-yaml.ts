import { createRequire } from 'node:module'
import yaml from 'js-yaml'

/**
 * trustctl.yaml's values read with js-yaml, which parses a short file in a fraction of the time the
 * `yaml` package takes to build its document (whose node positions only an error message needs).
 * The schema is YAML 1.2's core schema exactly as the `yaml` package resolves it (its tests, its
 * number parsing), so both read the same values: js-yaml's own schemas also take YAML 1.1 forms
 * (timestamps as dates, `1_000`, `0b1`) the `yaml` package reads as strings.
 */
const coreSchema = yaml.FAILSAFE_SCHEMA.extend({
  implicit: [
    new yaml.Type('tag:yaml.org,2002:null', {
      kind: 'scalar',
      resolve: (text: string) => /^(?:~|[Nn]ull|NULL)?$/.test(text),
      construct: () => null,
      predicate: (value: unknown) => value === null,
    }),
    new yaml.Type('tag:yaml.org,2002:bool', {
      kind: 'scalar',
      resolve: (text: string) => /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/.test(text),
      construct: (text: string) => text[0] === 't' || text[0] === 'T',
      predicate: (value: unknown) => typeof value === 'boolean',
    }),
    new yaml.Type('tag:yaml.org,2002:int', {
      kind: 'scalar',
      resolve: (text: string) => /^(?:0o[0-7]+|[-+]?[0-9]+|0x[0-9a-fA-F]+)$/.test(text),
      construct: (text: string) =>
        text.startsWith('0o')
          ? Number.parseInt(text.slice(2), 8)
          : text.startsWith('0x')
            ? Number.parseInt(text.slice(2), 16)
            : Number.parseInt(text, 10),
      predicate: (value: unknown) => Number.isInteger(value),
    }),
    new yaml.Type('tag:yaml.org,2002:float', {
      kind: 'scalar',
      resolve: (text: string) =>
        /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+|[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*))$/.test(
          text,
        ),
      construct: (text: string) =>
        /nan$/i.test(text)
          ? Number.NaN
          : /inf$/i.test(text)
            ? text[0] === '-'
              ? Number.NEGATIVE_INFINITY
              : Number.POSITIVE_INFINITY
            : Number.parseFloat(text),
      predicate: (value: unknown) => typeof value === 'number',
    }),
  ],
})

/**
 * Tags and directives (`%YAML 1.1` changes the schema) are left to the `yaml` package, as is anything
 * js-yaml refuses: those files are read, and fail, exactly as before. A `!` in a comment or a text
 * only sends the file the slower way.
 */
const needsDocument = /(?:^|[:,[{-]\s*)!|^%/m

/**
 * The file's values, or undefined when only the `yaml` package's document may read it: see above; an
 * alias to a list or map (a few lines can expand to gigabytes, which the `yaml` package refuses with
 * a message, where js-yaml shares one value); a key the two would name differently (a null key,
 * `__proto__`).
 */
export function quickConfigValue(text: string): unknown {
  if (needsDocument.test(text)) return undefined
  let value: unknown
  try {
    value = yaml.load(text, { schema: coreSchema })
  } catch {
    return undefined
  }
  return isPlainTree(value, new Set()) ? value : undefined
}

/** True when no list or map appears twice (an alias) and no key is ambiguous. */
function isPlainTree(value: unknown, seen: Set<object>): boolean {
  if (typeof value !== 'object' || value === null) return true
  if (seen.has(value)) return false
  seen.add(value)
  if (Array.isArray(value)) return value.every((item) => isPlainTree(item, seen))
  for (const key of Object.keys(value)) {
    if (key === 'null' || key === '__proto__') return false
    if (!isPlainTree((value as Record<string, unknown>)[key], seen)) return false
  }
  return true
}

/**
 * The `yaml` package, loaded on first use: only a file with an error (or one quickConfigValue leaves
 * to it) needs its document, and a command whose trustctl.yaml is fine never loads it. Synchronous
 * because a locator is (errors found after loading, such as unknown check ids, are placed with it).
 */
export const yamlPackage = (): typeof import('yaml') =>
  createRequire(import.meta.url)('yaml') as typeof import('yaml')
