import { TrustctlError } from '../../core/errors.js'

/** A scanner report that cannot be imported: unreadable JSON, an unknown format or schema version. */
export class ScanReportError extends TrustctlError {
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super('scan-report', message, options)
  }
}
