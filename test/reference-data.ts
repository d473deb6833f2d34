import path from 'node:path'

/**
 * The reference data tests read (official schemas, real scanner reports, SOC 2 facts), kept in the
 * repository so a fresh clone anywhere passes its tests; test/reference-data/README.md says where each
 * file comes from and under which licence.
 */
export const referenceData = path.resolve(import.meta.dirname, 'reference-data')

/** A file of the reference data, by its path inside that folder (`samples/trivy/alpine-310.json`). */
export const referenceFile = (...parts: string[]): string => path.join(referenceData, ...parts)
