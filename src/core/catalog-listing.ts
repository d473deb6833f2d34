import { compareCriteria } from './assess.js'
import type { Catalog } from './catalog.js'
import type { Check, Severity } from './check.js'

/** A check as `trustctl checks list` shows it: what it tests and which controls and criteria use it. */
export interface CheckListing {
  id: string
  title: string
  severity: Severity
  reads: string[]
  controls: string[]
  criteria: string[]
}

/** A control as `trustctl controls list` shows it: who owns it, what it meets, how it is tested. */
export interface ControlListing {
  id: string
  title: string
  owner: string
  type: string
  frequency: string
  criteria: string[]
  checks: string[]
  manualEvidence: string[]
}

/** Every check, by id, with the controls that rely on it and the criteria those meet. */
export function listChecks(checks: readonly Check[], catalog: Catalog): CheckListing[] {
  return [...checks]
    .sort((a, b) => a.id.localeCompare(b.id))
    .map((check) => {
      const controls = catalog.controls.filter((c) => c.testedBy.includes(check.id))
      return {
        id: check.id,
        title: check.title,
        severity: check.severity,
        reads: [...check.reads],
        controls: controls.map((c) => c.id),
        criteria: [...new Set(controls.flatMap((c) => c.satisfies.soc2))].sort(compareCriteria),
      }
    })
}

/** Every control of the library, by id. */
export function listControls(catalog: Catalog): ControlListing[] {
  return [...catalog.controls]
    .sort((a, b) => a.id.localeCompare(b.id))
    .map((control) => ({
      id: control.id,
      title: control.title,
      owner: control.owner,
      type: control.type,
      frequency: control.frequency,
      criteria: [...control.satisfies.soc2].sort(compareCriteria),
      checks: [...control.testedBy],
      manualEvidence: control.manualEvidence.map((m) => m.id),
    }))
}
