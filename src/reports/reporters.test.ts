import { describe, expect, it } from 'vitest'
import { ConfigError } from '../core/errors.js'
import { parseReportFormats, reportFormats, reportFormatsHelp } from './render-reports.js'
import { mediaTypeOf, reporters } from './reporters.js'

describe('the reporter registry', () => {
  it('registers each format once, and each renders a readiness report or a package part', () => {
    const ids = reporters.map((r) => r.id)
    expect(new Set(ids).size).toBe(ids.length)
    for (const r of reporters) expect(r.readiness ?? r.package, r.id).toBeDefined()
  })

  it('gives every file extension one media type, whichever formats write it', () => {
    const seen = new Map<string, string>()
    for (const r of reporters)
      for (const [extension, type] of Object.entries(r.mediaTypes)) {
        expect(seen.get(extension) ?? type, `${r.id} ${extension}`).toBe(type)
        seen.set(extension, type)
      }
    expect(mediaTypeOf('oscal/assessment-results.json')).toBe('application/json; charset=utf-8')
    expect(mediaTypeOf('figures/figure-1.SVG')).toBe('image/svg+xml; charset=utf-8')
    expect(mediaTypeOf('notes.txt')).toBe('application/octet-stream')
    expect(mediaTypeOf('README')).toBe('application/octet-stream')
  })

  it('derives the report formats and their help from the registry, readiness formats first', () => {
    expect(reportFormats).toEqual(['html', 'md', 'json', 'pdf', 'oscal', 'sarif', 'junit', 'xlsx', 'csv'])
    expect(reportFormatsHelp).toBe(`comma-separated: ${reportFormats.join(', ')}`)
  })

  it('parses a format list, de-duplicated, and names an unknown format with the known ones', () => {
    expect(parseReportFormats(' MD,html,md, pdf ')).toEqual(['md', 'html', 'pdf'])
    expect(() => parseReportFormats('md,docx')).toThrow(ConfigError)
    expect(() => parseReportFormats('docx')).toThrow(/unknown report format 'docx' \(use html, md, json, pdf/)
  })
})
