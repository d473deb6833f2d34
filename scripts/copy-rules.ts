// Copies every checks/<source>/<name>/rule.yaml into dist/checks, beside the compiled TypeScript
// checks, so the built loader finds declarative rules where it finds check.js (the package ships
// dist/, not checks/). Cases stay behind: they are tests, not content.
import { cpSync, mkdirSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { packageRoot } from '../src/catalog/package-root.js'

const source = path.join(packageRoot(), 'checks')
const target = path.join(packageRoot(), 'dist', 'checks')
let copied = 0
for (const entry of readdirSync(source, { withFileTypes: true, recursive: true })) {
  if (!entry.isFile() || entry.name !== 'rule.yaml') continue
  const relative = path.relative(source, entry.parentPath)
  if (relative.split(path.sep).includes('cases')) continue
  mkdirSync(path.join(target, relative), { recursive: true })
  cpSync(path.join(entry.parentPath, entry.name), path.join(target, relative, entry.name))
  copied++
}
console.log(`copied ${copied} rule.yaml file(s) to dist/checks`)
