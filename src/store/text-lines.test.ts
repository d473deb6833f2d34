import { createReadStream, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { afterAll, describe, expect, it } from 'vitest'
import { textLines } from './text-lines.js'

const dir = mkdtempSync(path.join(os.tmpdir(), 'trustctl-text-lines-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

let files = 0
function fileOf(content: string | Buffer): string {
  files += 1
  const file = path.join(dir, `f${files}.txt`)
  writeFileSync(file, content)
  return file
}

/** What bundle verification read before: readline over a file stream, a CRLF counted as one break. */
async function readlineLines(file: string): Promise<string[]> {
  const lines: string[] = []
  for await (const line of createInterface({
    input: createReadStream(file),
    crlfDelay: Number.POSITIVE_INFINITY,
  }))
    lines.push(line)
  return lines
}

// Chunk sizes that cut lines, line breaks and multi-byte characters at every place, and the default.
const chunkSizes = [1, 2, 3, 4, 5, 7, 16, undefined]

describe('textLines', () => {
  const cases: [string, string | Buffer, string[]][] = [
    ['lines ending in \\n', 'one\ntwo\n', ['one', 'two']],
    ['a last line without a line break', 'one\ntwo', ['one', 'two']],
    ['CRLF line breaks', 'one\r\ntwo\r\n', ['one', 'two']],
    ['a CRLF last line without a final break', 'one\r\ntwo', ['one', 'two']],
    ['empty and blank lines, kept so line numbers stay right', '\n\n  \none\n\n', ['', '', '  ', 'one', '']],
    ['a lone carriage return ends a line', 'one\rtwo\n', ['one', 'two']],
    ['a carriage return at the very end', 'one\r', ['one']],
    ['a carriage return before a CRLF', 'one\r\r\ntwo', ['one', '', 'two']],
    ['an empty file', '', []],
    ['a single line break', '\n', ['']],
    ['multi-byte characters', 'é€😀\n😀é\n', ['é€😀', '😀é']],
    ['a line far longer than a chunk', `${'x'.repeat(70_000)}\nend`, ['x'.repeat(70_000), 'end']],
  ]
  for (const [name, content, expected] of cases) {
    it(`reads ${name} as readline does, at every chunk size`, async () => {
      const file = fileOf(content)
      expect(await readlineLines(file)).toEqual(expected)
      for (const chunk of chunkSizes) expect([...textLines(file, chunk)], `chunk ${chunk}`).toEqual(expected)
    })
  }

  it('agrees with readline on random text of line breaks, carriage returns and multi-byte characters', async () => {
    const alphabet = ['a', 'b', '\n', '\n', '\r', '\r\n', 'é', '😀', ' ', '{"x":1}']
    let seed = 7
    const random = (n: number): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648
      return seed % n
    }
    for (let round = 0; round < 200; round++) {
      const text = Array.from({ length: random(40) }, () => alphabet[random(alphabet.length)]).join('')
      const file = fileOf(text)
      const expected = await readlineLines(file)
      expect([...textLines(file, 1 + random(9))], JSON.stringify(text)).toEqual(expected)
    }
  })

  it.runIf(existsSync('/proc/self/fd'))('closes the file when the reader stops early', () => {
    const file = fileOf('one\ntwo\nthree\n')
    const open = (): number => readdirSync('/proc/self/fd').length
    const before = open()
    for (let i = 0; i < 20; i++) for (const line of textLines(file, 2)) if (line === 'one') break
    expect(open()).toBe(before)
  })
})
