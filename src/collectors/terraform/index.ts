import type { SourceCollector } from '../source-collector.js'
import { cloudFormationCollector } from './collect-cloudformation.js'
import { terraformSourceCollector } from './collect-hcl.js'
import { terraformPlanCollector } from './collect-plan.js'

/** The source types this folder's collectors read; the registry lists them for trustctl.yaml. */
export const collectors: readonly SourceCollector[] = [
  terraformPlanCollector,
  terraformSourceCollector,
  cloudFormationCollector,
]
