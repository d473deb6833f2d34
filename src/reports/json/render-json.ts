import type { AssessmentModel } from '../../core/assessment.js'

/**
 * The machine-readable result. The model already holds the contract fields (`scope`, `findings`,
 * `controls`, `gaps`, `errors`); they stay stable and new fields are only ever added.
 */
export function renderJson(model: AssessmentModel): string {
  return `${JSON.stringify(model, null, 2)}\n`
}
