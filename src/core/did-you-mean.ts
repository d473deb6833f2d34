/**
 * "Did you mean" for names a person typed: a key in trustctl.yaml, a check id, a control id. A typo
 * is usually one or two edits away from the name meant, so the nearest known names by edit distance
 * are offered, and nothing when no name is close enough to be a plausible typo.
 */

/** Levenshtein distance: the fewest single-character insertions, deletions and substitutions. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0
  if (a.length === 0) return b.length
  if (b.length === 0) return a.length
  // One row of the table at a time: the distance needs only the previous row.
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1)
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution))
    }
    previous = current
  }
  return previous[b.length] ?? 0
}

/**
 * The known names nearest to `typed` (at most `limit`): those at the smallest distance found, so a
 * clear best guess is offered alone and only true ties together. A name counts as near when its
 * distance is at most a third of the longer name (at least 2), or when it ends with the typed name
 * after a `/` or `.` (a check id typed without its source folder: `workload-is-not-privileged`).
 */
export function closestNames(typed: string, known: Iterable<string>, limit = 3): string[] {
  const lower = typed.toLowerCase()
  const scored: { name: string; distance: number }[] = []
  for (const name of known) {
    if (name === typed) continue
    const candidate = name.toLowerCase()
    const distance = editDistance(lower, candidate)
    const allowed = Math.max(2, Math.floor(Math.max(lower.length, candidate.length) / 3))
    const suffix = candidate.endsWith(`/${lower}`) || candidate.endsWith(`.${lower}`)
    if (distance <= allowed) scored.push({ name, distance })
    else if (suffix) scored.push({ name, distance: allowed + 1 })
  }
  const best = Math.min(...scored.map((s) => s.distance))
  return scored
    .filter((s) => s.distance === best)
    .sort((x, y) => x.name.localeCompare(y.name))
    .slice(0, limit)
    .map((s) => s.name)
}

/** ` (did you mean "a" or "b"?)`, or the empty string when no known name is close. */
export function didYouMean(typed: string, known: Iterable<string>): string {
  const names = closestNames(typed, known)
  if (names.length === 0) return ''
  return ` (did you mean ${names.map((n) => `"${n}"`).join(' or ')}?)`
}
