/** One YAML document of a multi-document file, with the 1-based line it starts on. */
export interface YamlDocumentText {
  text: string
  /** 1-based line of the document's first line (for error offsets). */
  startLine: number
  /** 1-based line of the first line with content, where the resource is reported. */
  contentLine: number
}

/**
 * Splits a multi-document YAML stream on `---` and `...` markers, keeping line numbers. A marker
 * at column 0 ends a document even inside a block scalar (YAML 1.2, 9.1), so splitting on lines
 * is exact, and it lets each document be parsed (and fail) on its own.
 */
export function splitYamlDocuments(text: string): YamlDocumentText[] {
  const lines = text.split(/\r?\n/)
  const documents: YamlDocumentText[] = []
  let buffer: string[] = []
  let startLine = 1
  const flush = (): void => {
    const contentOffset = buffer.findIndex(
      (l) => l.trim() !== '' && !l.trimStart().startsWith('#') && !l.startsWith('%'),
    )
    if (contentOffset >= 0) {
      documents.push({ text: buffer.join('\n'), startLine, contentLine: startLine + contentOffset })
    }
  }
  lines.forEach((line, index) => {
    if (/^---(\s|$)/.test(line) || /^\.\.\.(\s|$)/.test(line)) {
      flush()
      // Content may follow the marker on the same line (`--- !tag` or `--- {a: 1}`); keep it.
      const rest = line.startsWith('---') ? line.slice(3) : ''
      buffer = rest.trim() === '' ? [] : [rest]
      startLine = rest.trim() === '' ? index + 2 : index + 1
      return
    }
    buffer.push(line)
  })
  flush()
  return documents
}
