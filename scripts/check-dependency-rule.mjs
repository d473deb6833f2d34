#!/usr/bin/env node
// Enforces the dependency rule of DESIGN.md on every TypeScript file (tests and check cases excepted):
//   core <- checks, collectors, store, reports, catalog <- app <- cli, server;  web -> HTTP -> server.
// Reads each file with the TypeScript compiler, so an `import type` is told apart from a value import:
// a type-only import is erased from the JavaScript and creates no load-time dependency. It still
// counts as a layer violation except where a rule says otherwise (web may import the API contract's
// types). Value-import cycles anywhere in src/ and checks/ fail, each printed as its path.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { builtinModules } from 'node:module'
import path from 'node:path'
import ts from 'typescript'

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..')

/** Layer of a repository-relative path, or undefined for files outside the layered tree. */
function layerOf(file) {
  const parts = file.split('/')
  if (parts[0] === 'src') return parts[1]
  if (['checks', 'web', 'bench', 'scripts'].includes(parts[0])) return parts[0]
  return undefined
}

/** Which layers each layer may import (values and types alike). */
const allowed = {
  core: ['core'],
  checks: ['core', 'checks'],
  collectors: ['core', 'collectors'],
  store: ['core', 'store'],
  reports: ['core', 'reports'],
  catalog: ['core', 'catalog'],
  app: ['core', 'checks', 'collectors', 'store', 'reports', 'catalog', 'app'],
  cli: ['app', 'core', 'cli'],
  server: ['app', 'core', 'server'],
  web: ['web'],
  bench: ['*'],
  scripts: ['*'],
}

/** Narrow exceptions, each a file and what it alone may import beyond its layer's rule. */
const exceptions = [
  // The CLI starts the team server: `trustctl serve` is the one command that reaches into it.
  { from: (file) => file === 'src/cli/commands/serve.ts', to: (target) => layerOf(target) === 'server' },
  // The dashboard shares the API contract's types with the server, and nothing else of it.
  {
    from: (file) => layerOf(file) === 'web',
    to: (target) => target.startsWith('src/server/contract/'),
    typeOnly: true,
  },
]

// Core and checks stay pure: their only outside code is this list.
const pureModules = new Set([
  // Schemas parse at the boundary (config, catalog, evidence); zod computes and does no I/O.
  'zod',
  // SHA-256 content hashes and Ed25519 signatures of the ledger: computation, no I/O.
  'node:crypto',
])
// The check loader reads the checks folder (YAML rules, check modules): the one I/O file under checks.
const impureExceptions = new Set(['checks/load-checks.ts'])

function* walk(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (['node_modules', 'dist', 'cases', '.git'].includes(entry.name)) continue
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) yield* walk(full)
    else if (/\.(ts|tsx|mts)$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)) yield full
  }
}

const isTypeOnlyImport = (node) => {
  const clause = node.importClause
  if (clause === undefined) return false // `import './x.js'`: run for its effects
  if (clause.isTypeOnly) return true
  if (clause.name !== undefined) return false // a default import is a value
  const bindings = clause.namedBindings
  if (bindings === undefined || ts.isNamespaceImport(bindings)) return false
  // `import { type A, type B }` is erased whole; `import {}` keeps the module load.
  return bindings.elements.length > 0 && bindings.elements.every((element) => element.isTypeOnly)
}

const isTypeOnlyExport = (node) =>
  node.isTypeOnly ||
  (node.exportClause !== undefined &&
    ts.isNamedExports(node.exportClause) &&
    node.exportClause.elements.length > 0 &&
    node.exportClause.elements.every((element) => element.isTypeOnly))

/** Every module a file names: static imports, re-exports and dynamic `import()`, each with its kind. */
function importsOf(file, text) {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false)
  const found = []
  const visit = (node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push({ spec: node.moduleSpecifier.text, typeOnly: isTypeOnlyImport(node) })
    } else if (
      ts.isExportDeclaration(node) &&
      node.moduleSpecifier !== undefined &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      found.push({ spec: node.moduleSpecifier.text, typeOnly: isTypeOnlyExport(node) })
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] !== undefined &&
      ts.isStringLiteralLike(node.arguments[0])
    ) {
      found.push({ spec: node.arguments[0].text, typeOnly: false })
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      const literal = node.argument.literal
      if (ts.isStringLiteral(literal)) found.push({ spec: literal.text, typeOnly: true })
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
  return found
}

/** The repository-relative file a relative specifier names (`./x.js` is `x.ts`, `x.tsx` or `x/index.ts`). */
function resolveRelative(fromFile, spec) {
  const base = path.resolve(path.dirname(fromFile), spec)
  const stem = base.replace(/\.(m?js|jsx)$/, '')
  const candidates = [base, `${stem}.ts`, `${stem}.tsx`, `${stem}.mts`, path.join(base, 'index.ts')]
  const hit = candidates.find((candidate) => existsSync(candidate) && !candidate.endsWith(path.sep))
  return path
    .relative(root, hit ?? base)
    .split(path.sep)
    .join('/')
}

const builtins = new Set(builtinModules)
/** `fs/promises` and `node:fs/promises` are both the node:fs built-in; a package is its first name. */
function moduleName(spec) {
  const bare = spec.startsWith('node:') ? spec.slice(5) : spec
  if (builtins.has(bare)) return `node:${bare.split('/')[0]}`
  const parts = spec.split('/')
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]
}

const violations = []
/** Value imports between files of src/ and checks/: the graph cycles are looked for in. */
const graph = new Map()
let files = 0
let imports = 0
for (const top of ['src', 'checks', 'bench', 'scripts', 'web']) {
  if (!existsSync(path.join(root, top))) continue
  for (const file of walk(path.join(root, top))) {
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
    const edges = []
    const pure = (from === 'core' || from === 'checks') && !impureExceptions.has(relative)
    if (pure && /\bprocess\.(env|argv|cwd|exit)\b/.test(text))
      violations.push(`${relative}: ${from} must not read the process (env, argv, cwd)`)
    for (const { spec, typeOnly } of importsOf(file, text)) {
      imports++
      if (!spec.startsWith('.')) {
        const name = moduleName(spec)
        if (pure && !typeOnly && !pureModules.has(name))
          violations.push(
            `${relative}: ${from} must stay pure (no I/O, no drivers), but imports '${spec}'; allowed: ${[...pureModules].join(', ')}`,
          )
        continue
      }
      const target = resolveRelative(file, spec)
      const to = layerOf(target)
      if (!typeOnly && (from === 'core' || from === 'checks' || to !== undefined)) edges.push(target)
      if (rules.includes('*') || rules.includes(to)) continue
      const excepted = exceptions.some(
        (e) => e.from(relative) && e.to(target) && (e.typeOnly !== true || typeOnly),
      )
      if (excepted) continue
      violations.push(
        `${relative}: imports ${spec} (${target}); ${from} may import only ${rules.join(', ')}${
          from === 'web' ? ', and types (import type) from src/server/contract/' : ''
        }${from === 'cli' ? ', and server from commands/serve.ts' : ''}`,
      )
    }
    if (top === 'src' || top === 'checks') graph.set(relative, edges)
  }
}

/** Strongly connected components of the value-import graph (Tarjan): each with two or more files is a cycle. */
function cyclesOf(graph) {
  let index = 0
  const indexOf = new Map()
  const low = new Map()
  const stack = []
  const onStack = new Set()
  const components = []
  const connect = (node) => {
    indexOf.set(node, index)
    low.set(node, index)
    index++
    stack.push(node)
    onStack.add(node)
    for (const next of graph.get(node) ?? []) {
      if (!graph.has(next)) continue
      if (!indexOf.has(next)) {
        connect(next)
        low.set(node, Math.min(low.get(node), low.get(next)))
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node), indexOf.get(next)))
    }
    if (low.get(node) === indexOf.get(node)) {
      const component = []
      let member
      do {
        member = stack.pop()
        onStack.delete(member)
        component.push(member)
      } while (member !== node)
      const selfLoop = (graph.get(node) ?? []).includes(node)
      if (component.length > 1 || selfLoop) components.push(component)
    }
  }
  for (const node of [...graph.keys()].sort()) if (!indexOf.has(node)) connect(node)
  return components
}

/** One cycle through the component, from its first file back to it: a → b → … → a. */
function cyclePath(component) {
  const members = new Set(component)
  const start = [...component].sort()[0]
  const previous = new Map([[start, undefined]])
  const queue = [start]
  while (queue.length > 0) {
    const node = queue.shift()
    for (const next of graph.get(node) ?? []) {
      if (!members.has(next)) continue
      if (next === start) {
        const route = [start]
        for (let at = node; at !== start; at = previous.get(at)) route.splice(1, 0, at)
        return [...route, start].join(' -> ')
      }
      if (!previous.has(next)) {
        previous.set(next, node)
        queue.push(next)
      }
    }
  }
  return component.join(' -> ')
}

const cycles = cyclesOf(graph)
for (const component of cycles)
  violations.push(`import cycle (${component.length} files): ${cyclePath(component)}`)

const summary = `dependency rule: ${files} files checked, ${imports} imports, ${cycles.length} cycles`
if (violations.length > 0) {
  console.error(`${summary}; ${violations.length} violation(s)\n  ${violations.join('\n  ')}`)
  process.exit(1)
}
console.log(`${summary}, no violations`)
