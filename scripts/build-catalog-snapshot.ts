// Validates the shipped catalog once, at build time, and writes the validated data with each source
// file's hash to dist/src/catalog/catalog-snapshot.json: at run time an unchanged catalog is used from
// it without YAML parsing or schema validation; any changed file makes the run validate as before.
import { writeFileSync } from 'node:fs'
import { buildCatalogSnapshotText, catalogSnapshotFile } from '../src/catalog/catalog-snapshot.js'
import { catalogRoot, readCatalogSources } from '../src/catalog/load-catalog.js'

writeFileSync(catalogSnapshotFile, await buildCatalogSnapshotText(catalogRoot(), readCatalogSources))
console.log(`validated the catalog into ${catalogSnapshotFile}`)
