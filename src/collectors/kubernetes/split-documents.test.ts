import { describe, expect, it } from 'vitest'
import { splitYamlDocuments, type YamlDocumentText } from './split-documents.js'

/**
 * The splitter as it was written first: every line split out, tested, and joined again. The walk that
 * replaced it for speed must give exactly its documents, line numbers and texts.
 */
function splitByLines(text: string): YamlDocumentText[] {
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

describe('splitYamlDocuments', () => {
  const cases: [string, string][] = [
    ['empty text', ''],
    ['one document without a marker', 'a: 1\nb: 2\n'],
    ['no final newline', 'a: 1\n---\nb: 2'],
    ['leading marker and comments', '---\n# only a comment\n---\n\n# c\napiVersion: v1\n'],
    ['content on the marker line', '--- {a: 1}\n--- !tag\nx: 1\n---   \ny: 2\n'],
    ['a comment on the marker line', '--- # second\n# more\nkind: A\n'],
    ['document end markers', 'a: 1\n...\n---\nb: 2\n... trailing\nc: 3\n'],
    ['directives', '%YAML 1.2\n---\na: 1\n%TAG ! tag:x,2000:\n--- \nb: 2\n'],
    ['CRLF line ends', 'a: 1\r\nb: 2\r\n---\r\nc: 3\r\n--- {d: 4}\r\ne: 5\r\n'],
    ['a lone carriage return', 'a: "x\ry"\n---\r\nb: 1\r'],
    ['a marker as the last line', 'a: 1\n---'],
    ['a marker and a newline as the last lines', 'a: 1\n---\n'],
    ['markers that are not markers', '----\na: 1\n--x\n-- -\n.. .\n....\n  ---\n'],
    ['a marker followed by a tab or other white space', '---\tx: 1\n---\u00a0\ny: 1\n---\u2028z: 2\n'],
    ['block scalar with an indented marker', 'data:\n  s: |\n    ---\n    x\n---\nb: 1\n'],
    ['only blank lines and comments', '\n\n# a\n   \n---\n#b\n'],
    ['consecutive markers', '---\n---\n...\n---\na: 1\n---\n---\n'],
  ]
  it.each(cases)('gives the same documents as splitting on lines: %s', (_name, text) => {
    expect(splitYamlDocuments(text)).toEqual(splitByLines(text))
  })

  it('gives the same documents as splitting on lines for generated streams', () => {
    const pieces = [
      '---',
      '--- ',
      '--- {a: 1}',
      '--- # c',
      '...',
      '... x',
      '# c',
      '',
      '  ',
      '%YAML 1.2',
      'a: 1',
      '  b: |',
      '    ---',
      '\t',
      'x: "--- y"',
    ]
    const ends = ['\n', '\r\n', '\r']
    // A fixed linear congruential sequence: the same streams every run.
    let seed = 7
    const next = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648
      return seed % n
    }
    for (let round = 0; round < 2000; round++) {
      let text = ''
      const lines = next(12)
      for (let i = 0; i < lines; i++) text += `${pieces[next(pieces.length)]}${ends[next(ends.length)]}`
      if (next(2) === 0) text += pieces[next(pieces.length)]
      expect(splitYamlDocuments(text), JSON.stringify(text)).toEqual(splitByLines(text))
    }
  })

  it('cuts each document out of the stream with its own lines', () => {
    expect(splitYamlDocuments('# head\na: 1\n--- # two\nb: 2\n')).toEqual([
      { text: '# head\na: 1', startLine: 1, contentLine: 2 },
      { text: ' # two\nb: 2\n', startLine: 3, contentLine: 4 },
    ])
  })
})
