import type { SubjectLike } from '../../../src/core/check.js'

/**
 * A subject for something with no manifest of its own: a namespace only implied by the workloads
 * in it, or the cluster as a whole. It points at the file that implies it.
 */
export function impliedSubject(resourceKind: string, name: string, file: string, line?: number): SubjectLike {
  return line === undefined ? { resourceKind, name, file } : { resourceKind, name, file, line }
}
