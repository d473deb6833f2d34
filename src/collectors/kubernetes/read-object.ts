/**
 * Tolerant readers over parsed YAML. Manifests written by others vary (numbers for strings, nulls for
 * empty lists); these accept what Kubernetes accepts and record what it would reject, with the path.
 */
export type YamlObject = Record<string, unknown>

export class ObjectReader {
  readonly problems: string[] = []

  isObject(value: unknown): value is YamlObject {
    return typeof value === 'object' && value !== null && !Array.isArray(value)
  }

  object(value: unknown, path: string): YamlObject {
    if (value === undefined || value === null) return {}
    if (this.isObject(value)) return value
    this.problems.push(`${path}: expected a mapping, found ${describe(value)}`)
    return {}
  }

  list(value: unknown, path: string): unknown[] {
    if (value === undefined || value === null) return []
    if (Array.isArray(value)) return value
    this.problems.push(`${path}: expected a list, found ${describe(value)}`)
    return []
  }

  objects(value: unknown, path: string): YamlObject[] {
    const list = this.list(value, path)
    // Most lists hold mappings only: read as they are, without a copy or a path made for each entry
    // (about 30 lists an object, read for every object of an estate). Nothing changes them after.
    if (allObjects(list)) return list
    return list.map((item, i) => this.object(item, `${path}[${i}]`))
  }

  /** The value as a string of its own (see ownString): every string read here may end up in evidence. */
  string(value: unknown): string | undefined {
    if (typeof value === 'string') return sharedString(value)
    if (typeof value === 'number' || typeof value === 'boolean') return String(value)
    return undefined
  }

  /** The value as a string, as it is: for a value only looked at, never kept (see string). */
  text(value: unknown): string | undefined {
    if (typeof value === 'string') return value
    if (typeof value === 'number' || typeof value === 'boolean') return String(value)
    return undefined
  }

  strings(value: unknown, path: string): string[] {
    const list = this.list(value, path)
    if (list.length === 0) return sharedIfEmpty<string>([])
    const out: string[] = []
    for (const v of list) {
      const s = this.string(v)
      if (s !== undefined) out.push(s)
    }
    return sharedIfEmpty(out)
  }

  boolean(value: unknown): boolean | undefined {
    if (typeof value === 'boolean') return value
    // Kubernetes reads manifests as YAML 1.1, where yes/no/on/off are booleans; js-yaml (1.2) gives
    // strings. Reading them as Kubernetes does avoids a false pass on `privileged: yes`.
    if (typeof value === 'string' && /^(y|Y|yes|Yes|YES|true|True|TRUE|on|On|ON)$/.test(value)) return true
    if (typeof value === 'string' && /^(n|N|no|No|NO|false|False|FALSE|off|Off|OFF)$/.test(value))
      return false
    return undefined
  }

  number(value: unknown): number | undefined {
    if (typeof value === 'number' && Number.isFinite(value)) return value
    if (typeof value === 'string' && /^-?\d+$/.test(value)) return Number(value)
    return undefined
  }

  stringMap(value: unknown, path: string): Record<string, string> {
    const map = this.object(value, path)
    const keys = Object.keys(map)
    if (keys.length === 0) return sharedIfEmpty<string>({})
    const out: Record<string, string> = {}
    for (const key of keys) {
      const s = this.string(map[key])
      if (s !== undefined) out[key] = s
    }
    return sharedIfEmpty(out)
  }
}

/** Whether every entry of a list is a mapping (ObjectReader.objects then reads the list as it is). */
function allObjects(list: unknown[]): list is YamlObject[] {
  for (const item of list) if (typeof item !== 'object' || item === null || Array.isArray(item)) return false
  return true
}

/**
 * V8 shares the characters of a substring of 13 or more characters with the string it was cut from
 * (a slice keeps its parent alive). js-yaml hands back every scalar as such a slice of the document's
 * text, so one name or image kept in evidence held the whole document: at 100k objects, 50 MB of
 * manifest text stayed in memory until the run ended. Joined to a space and cut again, the value is
 * copied into a string of its own size (shorter substrings are copies already).
 */
export function ownString(value: string): string {
  return value.length < slicedStringMinLength ? value : ` ${value}`.slice(1)
}
const slicedStringMinLength = 13

/** The value with every string in it (at any depth) made a string of its own (see ownString). */
export function ownStrings(value: unknown): unknown {
  if (typeof value === 'string') return ownString(value)
  if (Array.isArray(value)) return value.map(ownStrings)
  if (typeof value !== 'object' || value === null) return value
  const out: Record<string, unknown> = {}
  for (const [key, v] of Object.entries(value)) out[key] = ownStrings(v)
  return out
}

/**
 * One frozen empty list and one frozen empty map for every item's empty fields (a workload's
 * `capabilities.add`, `volumes`, `sysctls`, `annotations`, …): ~100 bytes an item, and evidence is read,
 * never changed, after parsing (frozen, a change would throw rather than reach every item).
 */
const emptyList: readonly never[] = Object.freeze([])
const emptyMap: Readonly<Record<string, never>> = Object.freeze({})

/** The shared empty list or map (emptyList, emptyMap) when the value is empty, else the value. */
export function sharedIfEmpty<T>(value: T[]): T[]
export function sharedIfEmpty<T>(value: Record<string, T>): Record<string, T>
export function sharedIfEmpty<T>(value: T[] | Record<string, T>): T[] | Record<string, T> {
  if (Array.isArray(value)) return value.length === 0 ? (emptyList as unknown as T[]) : value
  for (const _ in value) return value
  return emptyMap
}

/**
 * The one string kept for a short value that manifests repeat (a namespace, a label, `ALL`, `100m`,
 * `httpGet`), a string of its own (ownString). The YAML reader makes a new string for every scalar, and
 * kept apart these were a sixth of a Kubernetes item's memory (about 200 of 1,200 bytes). The table is
 * bounded (emptied when full), so a long-lived process holds no more than internedMax of them.
 */
export function sharedString(value: string): string {
  if (value.length > internedLength) return ownString(value)
  const known = interned.get(value)
  if (known !== undefined) return known
  if (interned.size >= internedMax) interned.clear()
  // The key is the copy: a slice as key would keep its whole document alive (ownString).
  const own = ownString(value)
  interned.set(own, own)
  return own
}
const interned = new Map<string, string>()
const internedMax = 65_536
const internedLength = 64

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list'
  // Never echo the value itself: it may be a credential.
  if (typeof value === 'string') return 'a string'
  return typeof value
}
