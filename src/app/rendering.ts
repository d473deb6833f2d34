// The renderers and labels the adapters present with: `assess --format json` (a piece at a time), the responsibility
// matrix as SVG (CLI and API), and the wording of statuses and locations shared with the reports.
// The package parts the server's package job writes are in package-rendering.ts: loading them here
// would load the package writer for every command that prints a summary.
export { jsonChunks, renderJson } from '../reports/json/render-json.js'
export { categoryLabel, controlStatusLabel, location, qualifiedName } from '../reports/labels.js'
export { mediaTypeOf } from '../reports/reporters.js'
export { renderResponsibilitySvg } from '../reports/svg/responsibility-matrix.js'
