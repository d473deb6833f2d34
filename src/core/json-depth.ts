/**
 * The deepest nesting trustctl accepts in a JSON input (a plan, a report, a push). Real inputs stay
 * far below it (a Terraform plan of nested modules reaches a few dozen levels); a deeper one is either
 * broken or built to exhaust the stack of every recursive walk that follows, so it is refused up front
 * with the file named, instead of failing later as "Maximum call stack size exceeded".
 */
export const maxJsonDepth = 512

/**
 * How deeply a parsed JSON value nests (a scalar is 0, `[]` is 1), counted without recursion so the
 * measure itself cannot overflow; stops counting past `limit`.
 */
export function jsonDepth(value: unknown, limit: number = maxJsonDepth): number {
  if (value === null || typeof value !== 'object') return 0
  // Two parallel stacks and index loops, no object per node: on a 10 MB scanner report the walk
  // with a {value, depth} record and Object.values per node took half as long as JSON.parse itself.
  const values: object[] = [value]
  const depths: number[] = [1]
  let deepest = 0
  while (values.length > 0) {
    const node = values.pop() as object
    const depth = depths.pop() as number
    if (depth > deepest) {
      deepest = depth
      if (deepest > limit) return deepest
    }
    const child = depth + 1
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const v: unknown = node[i]
        if (v !== null && typeof v === 'object') {
          values.push(v)
          depths.push(child)
        }
      }
    } else {
      const record = node as Record<string, unknown>
      for (const key in record) {
        const v = record[key]
        if (v !== null && typeof v === 'object') {
          values.push(v)
          depths.push(child)
        }
      }
    }
  }
  return deepest
}
