import type { SourceCollector } from '../source-collector.js'
import { scanReportCollector } from './scan-report.js'

/** The source types this folder's collectors read; the registry lists them for trustctl.yaml. */
export const collectors: readonly SourceCollector[] = [scanReportCollector]
