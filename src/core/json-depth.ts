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
  let deepest = 0
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 0 }]
  while (stack.length > 0) {
    const next = stack.pop()
    if (next === undefined || next.value === null || typeof next.value !== 'object') continue
    const depth = next.depth + 1
    if (depth > deepest) deepest = depth
    if (deepest > limit) return deepest
    for (const child of Object.values(next.value))
      if (child !== null && typeof child === 'object') stack.push({ value: child, depth })
  }
  return deepest
}
