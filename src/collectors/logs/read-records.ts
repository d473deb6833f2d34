/**
 * Splits a CloudTrail log file (`{"Records":[{…},{…}]}`, or a bare top-level array of records) into
 * the text of each record while the file streams in, so a file of any size is parsed one record at
 * a time and a damaged record is reported on its own.
 */
export class RecordSplitter {
  private depth = 0
  private inString = false
  private escaped = false
  private keyParts: string[] = []
  private lastKey = ''
  /** Depth at which record objects open: 1 for a top-level array, 2 inside `"Records": [`. */
  private recordDepth = -1
  private parts: string[] = []
  private collecting = false

  /** Feeds the next chunk of text; `onRecord` receives each complete record's JSON text. */
  push(chunk: string, onRecord: (json: string) => void): void {
    let start = this.collecting ? 0 : -1
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i)
      if (this.inString) {
        if (this.escaped) this.escaped = false
        else if (c === 92 /* \ */) this.escaped = true
        else if (c === 34 /* " */) {
          this.inString = false
          if (this.depth === 1 && this.recordDepth < 0) this.lastKey = this.keyParts.join('')
        } else if (this.depth === 1 && this.recordDepth < 0 && this.keyParts.length < 64) {
          this.keyParts.push(chunk[i] ?? '')
        }
        continue
      }
      if (c === 34) {
        this.inString = true
        this.keyParts = []
      } else if (c === 123 /* { */ || c === 91 /* [ */) {
        if (
          this.recordDepth < 0 &&
          c === 91 &&
          (this.depth === 0 || (this.depth === 1 && this.lastKey === 'Records'))
        )
          this.recordDepth = this.depth + 1
        else if (c === 123 && this.depth === this.recordDepth && !this.collecting) {
          this.collecting = true
          start = i
        }
        this.depth++
      } else if (c === 125 /* } */ || c === 93 /* ] */) {
        this.depth--
        if (this.collecting && this.depth === this.recordDepth) {
          this.parts.push(chunk.slice(start, i + 1))
          onRecord(this.parts.join(''))
          this.parts = []
          this.collecting = false
          start = -1
        } else if (this.depth === this.recordDepth - 1 && c === 93) {
          this.recordDepth = -2
        }
      }
    }
    if (this.collecting && start >= 0) this.parts.push(chunk.slice(start))
  }

  /** True when the input ended inside a record or before the records array closed. */
  get truncated(): boolean {
    return this.collecting || this.depth !== 0
  }

  /** True when no records array was found at all. */
  get sawRecords(): boolean {
    return this.recordDepth !== -1
  }
}
