import ExcelJS from 'exceljs'
import type { PackageModel } from '../../core/package/model.js'
import {
  controlsMatrixHeader,
  controlsMatrixRows,
  requestListHeader,
  requestListRows,
} from '../csv/render-csv.js'
import { gapStatusLabel } from '../labels.js'

function sheet(
  workbook: ExcelJS.Workbook,
  name: string,
  header: readonly string[],
  rows: readonly (readonly (string | number)[])[],
  widths: readonly number[],
): void {
  const ws = workbook.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] })
  ws.columns = header.map((h, i) => ({ header: h, key: `c${i}`, width: widths[i] ?? 18 }))
  const head = ws.getRow(1)
  head.font = { bold: true }
  head.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFEEF2F6' } }
  for (const row of rows) ws.addRow([...row])
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: header.length } }
  // Wrapping is set per column, not per cell: a style per cell would cost seconds on large sheets.
  ws.columns.forEach((column) => {
    column.alignment = { wrapText: true, vertical: 'top' }
  })
}

/**
 * The auditor's workbook: the controls matrix (one row per control), the request list, every
 * exception found, and the open gaps.
 */
export async function renderXlsx(pkg: PackageModel): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook()
  workbook.creator = 'trustctl'
  workbook.created = new Date(pkg.generatedAt)
  sheet(
    workbook,
    'Controls matrix',
    controlsMatrixHeader,
    controlsMatrixRows(pkg),
    [28, 40, 16, 28, 12, 12, 12, 50, 40, 30, 24, 10, 50, 60],
  )
  sheet(workbook, 'Request list', requestListHeader, requestListRows(pkg), [10, 36, 16, 70, 28, 10, 40])
  const exceptions: string[][] = []
  for (const f of pkg.assessment.findings)
    if (f.status === 'fail')
      exceptions.push([
        f.controls.join(', '),
        f.criteria.join(', '),
        f.check,
        f.severity,
        `${f.subject.kind} ${f.subject.namespace === undefined ? '' : `${f.subject.namespace}/`}${f.subject.name}`,
        f.subject.line === undefined ? f.subject.file : `${f.subject.file}:${f.subject.line}`,
        f.message,
      ])
  sheet(
    workbook,
    'Exceptions',
    ['Controls', 'Criteria', 'Test', 'Severity', 'Item', 'Where', 'Detail'],
    exceptions,
    [30, 16, 34, 10, 34, 34, 70],
  )
  sheet(
    workbook,
    'Open gaps',
    ['Gap', 'Severity', 'Criteria', 'Controls', 'Owner', 'Due', 'Status', 'Remediation', 'Notes'],
    pkg.gaps.map((g) => [
      g.title,
      g.severity,
      g.criteria.join(', '),
      g.controls.join(', '),
      g.owner,
      g.dueDate,
      gapStatusLabel(g),
      g.remediation,
      (g.tracking?.comments ?? []).map((c) => `${c.author} (${c.at.slice(0, 10)}): ${c.body}`).join('\n'),
    ]),
    [50, 10, 16, 36, 28, 12, 18, 80, 50],
  )
  return Buffer.from(await workbook.xlsx.writeBuffer())
}
