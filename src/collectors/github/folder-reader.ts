import { createHash } from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import type { CollectedInput } from '../source-collector.js'
import type { GitHubReader, GitHubResponse } from './read-github.js'

/**
 * Reads REST answers exported with `gh api` into a folder: endpoint `repos/acme/api/rules/branches/main`
 * is the file `repos/acme/api/rules/branches/main.json` (query strings dropped). `gh api` prints the
 * error body of a failed call (`{"message": "Branch not protected", "status": "404"}`), and such a
 * file is read as that status, so an export records what was absent as well as what was there.
 */
export function createFolderReader(folder: string, shownAs: string, collector: string): GitHubReader {
  const inputs: CollectedInput[] = []

  const read = async (endpoint: string): Promise<GitHubResponse> => {
    const relative = `${endpoint.replace(/\?.*$/, '')}.json`
    const where = path.posix.join(shownAs, relative)
    let bytes: Buffer
    try {
      bytes = await readFile(path.join(folder, ...relative.split('/')))
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { status: 0, body: undefined, where }
      throw error
    }
    const text = bytes.toString('utf8')
    let values: unknown[]
    try {
      values = parseJsonValues(text)
    } catch (error) {
      inputs.push(input(where, collector, bytes, 0))
      return { status: 200, body: undefined, where, invalid: (error as Error).message }
    }
    const body = values.length <= 1 ? values[0] : values
    inputs.push(input(where, collector, bytes, Array.isArray(body) ? body.length : 1))
    // An empty file is a 204 No Content (`gh api repos/o/r/vulnerability-alerts` prints nothing).
    if (values.length === 0) return { status: 204, body: undefined, where }
    return { status: exportedStatus(body), body, where }
  }

  return {
    inputs,
    get: read,
    async getAll(endpoint) {
      const response = await read(endpoint)
      // `gh api --paginate` prints one array per page; `--slurp` wraps them in one more array.
      if (Array.isArray(response.body) && response.body.every((page) => Array.isArray(page)))
        return { ...response, body: response.body.flat() }
      return response
    },
    async discoverRepositories() {
      const owners = await listDirectory(path.join(folder, 'repos'))
      const found: string[] = []
      for (const owner of owners.filter((e) => e.isDirectory())) {
        const entries = await listDirectory(path.join(folder, 'repos', owner.name))
        for (const e of entries)
          if (e.isFile() && e.name.endsWith('.json')) found.push(`${owner.name}/${e.name.slice(0, -5)}`)
      }
      return found.sort()
    },
  }
}

async function listDirectory(dir: string) {
  try {
    return await readdir(dir, { withFileTypes: true })
  } catch {
    return []
  }
}

function input(file: string, collector: string, bytes: Buffer, items: number): CollectedInput {
  return {
    file,
    collector,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    bytes: bytes.length,
    items,
  }
}

/** The HTTP status an exported body stands for: the error status `gh api` recorded, else 200. */
function exportedStatus(body: unknown): number {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 200
  const record = body as Record<string, unknown>
  if (typeof record.message !== 'string' || typeof record.documentation_url !== 'string') return 200
  const status = Number(record.status)
  if (Number.isInteger(status) && status >= 400) return status
  // Older gh versions print the body without `status`; the message tells the two we must tell apart.
  return /not found|not protected|disabled/i.test(record.message) ? 404 : 403
}

/**
 * Parses a file holding one or more JSON values one after another (`gh api --paginate` prints
 * `[…][…]`). Errors name the line and column.
 */
export function parseJsonValues(text: string): unknown[] {
  const values: unknown[] = []
  let start = -1
  let depth = 0
  let inString = false
  let escaped = false
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]
    if (inString) {
      if (escaped) escaped = false
      else if (ch === '\\') escaped = true
      else if (ch === '"') inString = false
      continue
    }
    if (ch === '"') {
      inString = true
      if (start < 0) start = i
    } else if (ch === '{' || ch === '[') {
      if (start < 0) start = i
      depth++
    } else if (ch === '}' || ch === ']') {
      depth--
      if (depth < 0) throw new Error(`unexpected '${ch}' at ${position(text, i)}`)
      if (depth === 0) {
        values.push(parseAt(text, start, i + 1))
        start = -1
      }
    } else if (!/\s/.test(ch ?? '') && start < 0) {
      throw new Error(`expected a JSON object or array at ${position(text, i)}`)
    }
  }
  if (inString || depth > 0)
    throw new Error(`truncated JSON: the value starting at ${position(text, start)} never ends`)
  return values
}

function parseAt(text: string, start: number, end: number): unknown {
  try {
    return JSON.parse(text.slice(start, end))
  } catch (error) {
    const at = /position (\d+)/.exec((error as Error).message)
    const offset = at === null ? start : start + Number(at[1])
    throw new Error(`invalid JSON at ${position(text, offset)}`)
  }
}

function position(text: string, offset: number): string {
  const before = text.slice(0, Math.max(0, offset))
  const line = before.split('\n').length
  const column = offset - before.lastIndexOf('\n')
  return `line ${line}, column ${column}`
}
