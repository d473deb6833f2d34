// The renderers and labels the adapters present with: `assess --format json`, the responsibility
// matrix as SVG (CLI and API), the package parts the server's package job writes, and the wording of
// statuses and locations shared with the reports.
export { renderJson } from '../reports/json/render-json.js'
export { categoryLabel, controlStatusLabel, location, qualifiedName } from '../reports/labels.js'
export { type PackageFile, packageParts } from '../reports/package/package-files.js'
export { mediaTypeOf } from '../reports/reporters.js'
export { renderResponsibilitySvg } from '../reports/svg/responsibility-matrix.js'
