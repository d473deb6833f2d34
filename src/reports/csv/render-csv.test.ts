import { describe, expect, it } from 'vitest'
import { csvTable, utf8Bom } from './render-csv.js'

describe('CSV files', () => {
  it('start with a UTF-8 byte-order mark, so Excel reads "Tomás" as written', () => {
    const csv = csvTable(['Owner'], [['Tomás']])
    const bytes = Buffer.from(csv, 'utf8')
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    // The name itself is UTF-8 after the mark: á is C3 A1, not a legacy code page's single byte.
    expect(bytes.includes(Buffer.from([0x54, 0x6f, 0x6d, 0xc3, 0xa1, 0x73]))).toBe(true)
    expect(new TextDecoder('utf-8').decode(bytes)).toBe('Owner\r\nTomás\r\n')
  })

  it('carry the mark once, before the header only', () => {
    const csv = csvTable(['a'], [['1'], ['2']])
    expect(csv.startsWith(utf8Bom)).toBe(true)
    expect(csv.split(utf8Bom)).toHaveLength(2)
  })
})
