#!/usr/bin/env node
// Enforces the dependency rule of DESIGN.md on every TypeScript file (tests excepted):
// core imports nothing of ours; checks, collectors, store, reports and catalog import only core;
// cli and server compose everything; web talks to the server over HTTP only, and may import the API
// contract's types (src/server/contract/**) type-only: `import type` is erased, so no server code
// reaches the bundle.
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import ts from 'typescript'

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..')

/** Layer of a repository-relative path, or undefined for files outside the layered tree. */
function layerOf(file) {
  const parts = file.split('/')
  if (parts[0] === 'checks') return 'checks'
  if (parts[0] === 'web') return 'web'
  if (parts[0] === 'bench') return 'bench'
  if (parts[0] === 'scripts') return 'scripts'
  if (parts[0] === 'src') return parts[1]
  return undefined
}

const allowed = {
  core: ['core'],
  checks: ['core', 'checks'],
  collectors: ['core', 'collectors'],
  store: ['core', 'store'],
  reports: ['core', 'reports'],
  catalog: ['core', 'catalog'],
  server: ['*'],
  cli: ['*'],
  bench: ['*'],
  scripts: ['*'],
  web: ['web'],
}

function* walk(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (['node_modules', 'dist', 'cases', '.git'].includes(entry.name)) continue
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) yield* walk(full)
    else if (/\.(ts|tsx|mts)$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)) yield full
  }
}

/** Whether every import or re-export of `spec` in `text` is `import type` / `export type` (erased). */
function typeOnly(text, spec) {
  const escaped = spec.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  const statements = new RegExp(`^\\s*(import|export)\\s+(type\\s+)?[^;'"]*?from\\s+['"]${escaped}['"]`, 'gm')
  const found = [...text.matchAll(statements)]
  return found.length > 0 && found.every((match) => match[2] !== undefined)
}

const violations = []
let files = 0
for (const top of ['src', 'checks', 'bench', 'scripts', 'web']) {
  let iterator
  try {
    iterator = [...walk(path.join(root, top))]
  } catch {
    continue
  }
  for (const file of iterator) {
    files++
    const relative = path.relative(root, file).split(path.sep).join('/')
    const from = layerOf(relative)
    const rules = allowed[from]
    if (rules === undefined) {
      violations.push(
        `${relative}: folder '${from}' has no rule; add it to scripts/check-dependency-rule.mjs`,
      )
      continue
    }
    const text = readFileSync(file, 'utf8')
    const { importedFiles } = ts.preProcessFile(text, true, true)
    // Core (and checks) stay pure: no file system, network, processes or environment.
    if ((from === 'core' || from === 'checks') && !relative.endsWith('load-checks.ts')) {
      if (/\bprocess\.(env|argv|cwd|exit)\b/.test(text))
        violations.push(`${relative}: ${from} must not read the process (env, argv, cwd)`)
      for (const imported of importedFiles) {
        if (/^(node:)?(fs|fs\/promises|net|http|https|child_process|dgram|os)$/.test(imported.fileName)) {
          violations.push(`${relative}: ${from} must do no I/O, but imports ${imported.fileName}`)
        }
      }
    }
    for (const imported of importedFiles) {
      const spec = imported.fileName
      if (!spec.startsWith('.')) continue
      const target = path
        .relative(root, path.resolve(path.dirname(file), spec))
        .split(path.sep)
        .join('/')
      const to = layerOf(target)
      if (rules.includes('*') || rules.includes(to)) continue
      if (from === 'web' && target.startsWith('src/server/contract/') && typeOnly(text, spec)) continue
      violations.push(
        `${relative}: imports ${spec} (${to ?? target}); ${from} may import only ${rules.join(', ') || 'nothing of ours'}`,
      )
    }
  }
}

if (violations.length > 0) {
  console.error(`dependency rule: ${violations.length} violation(s)\n  ${violations.join('\n  ')}`)
  process.exit(1)
}
console.log(`dependency rule: ${files} files checked, no violations`)
