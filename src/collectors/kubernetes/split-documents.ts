/** One YAML document of a multi-document file, with the 1-based line it starts on. */
export interface YamlDocumentText {
  text: string
  /** 1-based line of the document's first line (for error offsets). */
  startLine: number
  /** 1-based line of the first line with content, where the resource is reported. */
  contentLine: number
}

const documentStart = /^---(\s|$)/
const documentEnd = /^\.\.\.(\s|$)/

/** A line that is a document marker: `---` or `...`, alone or followed by white space. */
function isMarker(line: string): boolean {
  return documentStart.test(line) || documentEnd.test(line)
}

/** A line with content: not blank, not a comment, not a directive (`%YAML`). */
function isContent(line: string): boolean {
  return line.trim() !== '' && !line.trimStart().startsWith('#') && !line.startsWith('%')
}

/** Where the line starting at `lineStart` ends: before its `\n` (at `newline`, -1: none) or `\r\n`. */
function lineEnd(text: string, lineStart: number, newline: number): number {
  if (newline < 0) return text.length
  return newline > lineStart && text.charCodeAt(newline - 1) === 13 ? newline - 1 : newline
}

/**
 * Splits a multi-document YAML stream on `---` and `...` markers, keeping line numbers. A marker
 * at column 0 ends a document even inside a block scalar (YAML 1.2, 9.1), so splitting on lines
 * is exact, and it lets each document be parsed (and fail) on its own.
 *
 * Lines end at `\n` or `\r\n`; a document's text is its lines joined by `\n`. The text is walked
 * line by line with indexOf and each document is cut out of it whole: only lines that may be a
 * marker, and a document's lines up to its first with content, are made into strings of their own.
 * Splitting every line out and joining them again was about a tenth of reading a 10k-object estate
 * beside the YAML parse itself.
 */
export function splitYamlDocuments(text: string): YamlDocumentText[] {
  const documents: YamlDocumentText[] = []
  /** Where the current document's text starts, and the 1-based line it starts on. */
  let start = 0
  let startLine = 1
  /** The current document's first line with content, once met. */
  let contentLine: number | undefined
  /** Where the line before the current one ends (its `\n` or `\r\n` excluded). */
  let previousEnd = 0
  let lineStart = 0
  let line = 1
  const flush = (end: number): void => {
    if (contentLine === undefined) return
    // A document with content has a line, so it ends at or after its start.
    const cut = text.slice(start, end)
    documents.push({ text: cut.includes('\r') ? cut.replace(/\r\n/g, '\n') : cut, startLine, contentLine })
  }
  for (;;) {
    const newline = text.indexOf('\n', lineStart)
    const end = lineEnd(text, lineStart, newline)
    const first = text.charCodeAt(lineStart)
    // `-` or `.`: the only lines that may be markers are cut out to be tested.
    const marker = (first === 45 || first === 46) && isMarker(text.slice(lineStart, end))
    if (marker) {
      flush(previousEnd)
      // Content may follow the marker on the same line (`--- !tag` or `--- {a: 1}`); keep it.
      const rest = first === 45 ? text.slice(lineStart + 3, end) : ''
      const restIsEmpty = rest.trim() === ''
      start = restIsEmpty ? (newline < 0 ? text.length : newline + 1) : lineStart + 3
      startLine = restIsEmpty ? line + 1 : line
      contentLine = !restIsEmpty && isContent(rest) ? line : undefined
    } else if (contentLine === undefined && isContent(text.slice(lineStart, end))) {
      contentLine = line
    }
    if (newline < 0) break
    previousEnd = end
    lineStart = newline + 1
    line++
  }
  flush(text.length)
  return documents
}
