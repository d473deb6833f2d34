import type { AssessmentModel } from '../../core/assessment.js'
import { jsonChunks } from './stream-json.js'

export { jsonChunks } from './stream-json.js'

/**
 * The machine-readable result. The model already holds the contract fields (`scope`, `findings`,
 * `controls`, `gaps`, `errors`); they stay stable and new fields are only ever added. The text is
 * `JSON.stringify(model, null, 2)` and a line end; jsonChunks gives it a piece at a time, which is how
 * `assess --format json` and the readiness report write it (a large estate's would be half a gigabyte).
 */
export function renderJson(model: AssessmentModel): string {
  return [...jsonChunks(model)].join('')
}
