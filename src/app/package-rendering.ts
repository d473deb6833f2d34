// The package parts the server's package job writes, apart from app/rendering.ts: the package
// renderers are large, and rendering.ts is what every command's presentation loads (an unchanged
// `assess` would otherwise load the whole package writer only to print its summary).
export { type PackageFile, packageParts } from '../reports/package/package-files.js'
