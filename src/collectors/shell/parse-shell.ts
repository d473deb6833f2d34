import { createRequire } from 'node:module'
import type mvdanSh from 'mvdan-sh'
import type { SyntaxNode } from 'mvdan-sh'
import {
  commandWords,
  programOf,
  type ShellCommand,
  type ShellScript,
  type ShellWord,
} from '../../core/shell-command.js'

/**
 * Parses shell scripts (Dockerfile RUN, CI `run:` and `script:`) with mvdan/sh into the plain
 * structure checks read. Collectors call it; checks never see shell text again.
 */

export interface ShellParseOptions {
  /** `bash` for bash-only syntax (`[[ ]]`, arrays, `<<<`); `posix` for sh. Bash is the superset. */
  language?: 'bash' | 'posix'
  /** Replace GitHub `${{ … }}` expressions with a placeholder word before parsing (Actions `run:`). */
  githubExpressions?: boolean
}

/** mvdan/sh's BinaryCmd operators, as numbered by the syntax package. */
const andOperator = 10
const orOperator = 11
const pipeOperator = 12
const pipeAllOperator = 13

const shells = new Set(['sh', 'bash', 'dash', 'zsh', 'ash', 'ksh', 'mksh', 'busybox'])

/**
 * mvdan-sh is a 1.5 MB GopherJS bundle: it is required on the first script parsed, not when trustctl
 * starts (and through require, so Node does not scan the bundle for ES exports first).
 */
let library: typeof mvdanSh | undefined
function shell(): typeof mvdanSh {
  library ??= createRequire(import.meta.url)('mvdan-sh') as typeof mvdanSh
  return library
}

let parserCache: { bash: ShellParser; posix: ShellParser } | undefined
type ShellParser = ReturnType<typeof mvdanSh.syntax.NewParser>
function parsers(): { bash: ShellParser; posix: ShellParser } {
  const { syntax } = shell()
  parserCache ??= {
    bash: syntax.NewParser(syntax.Variant(syntax.LangBash)),
    posix: syntax.NewParser(syntax.Variant(syntax.LangPOSIX)),
  }
  return parserCache
}

/** Nested scripts (`sh -c "sh -c '…'"`) are parsed this deep and no deeper. */
const maxDepth = 4

const placeholderPattern = /__trustctl_expr_(\d+)__/g

/**
 * A line of plain words: letters, digits and `_-./:,@+%=` separated by blanks, the first word neither
 * an assignment nor a reserved word. Blank lines match.
 */
const plainLine =
  /^[ \t]*(?:(?!(?:if|then|else|elif|fi|do|done|case|esac|while|until|for|in|function|select|time|coproc)(?:[ \t]|$))[\w\-./:,@+%]+(?:[ \t]+[\w\-./:,@+%=]+)*)?[ \t]*$/

/**
 * Scripts already parsed in this process, by options and text. Estates repeat the same RUN and CI
 * lines across services (`apt-get update && apt-get install -y …`, `npm ci`), and parsing is the
 * costly part of collecting them. Results are shared between evidence items, which nothing mutates.
 */
const parsedScripts = new Map<string, ShellScript>()
const maxParsedScripts = 10_000

/** Parses one script. A script the parser rejects comes back as `parsed: false` with the error and line. */
export function parseShell(script: string, options: ShellParseOptions = {}): ShellScript {
  const key = `${options.language ?? 'bash'}${options.githubExpressions ? '+gh' : ''}\n${script}`
  const known = parsedScripts.get(key)
  if (known !== undefined) return known
  if (parsedScripts.size >= maxParsedScripts) parsedScripts.clear()
  const parsed = parseUncached(script, options)
  parsedScripts.set(key, parsed)
  return parsed
}

function parseUncached(script: string, options: ShellParseOptions): ShellScript {
  const expressions: string[] = []
  const text = options.githubExpressions
    ? script.replace(/\$\{\{[\s\S]*?\}\}/g, (expression) => {
        expressions.push(expression)
        return `__trustctl_expr_${expressions.length - 1}__`
      })
    : script
  const reader = new ScriptReader(options.language ?? 'bash', expressions)
  if (reader.readPlain(text)) return { parsed: true, commands: reader.commands }
  const failure = reader.read(text, 'script', 0)
  if (failure !== undefined) return { parsed: false, ...failure }
  return { parsed: true, commands: reader.commands }
}

/** The words of an exec-form instruction (`RUN ["sh", "-c", "…"]`) as one command, nested shells parsed. */
export function parseExecForm(words: readonly string[]): ShellScript {
  // Plain words (`CMD ["node", "server.js"]`) read the same quoted or not: unquoted, the line takes
  // the plain-line path and the 1.5 MB shell parser is not loaded for it (~60-90 ms of a small run).
  const unquoted = words.join(' ')
  if (words.every((word) => word !== '' && !/[\s\n]/.test(word)) && plainLine.test(unquoted)) {
    return parseShell(unquoted)
  }
  return parseShell(words.map((word) => `'${word.replace(/'/g, `'\\''`)}'`).join(' '))
}

/** Why a parse failed and where: `reached EOF without closing quote "` at line 3. */
function describeFailure(error: unknown): { reason: string; line?: number } {
  const message =
    typeof error === 'object' && error !== null && 'Error' in error && typeof error.Error === 'function'
      ? String(error.Error())
      : String(error)
  // mvdan/sh reports `name:line:col: message`.
  const match = /^[^:]*:(\d+):\d+: ([\s\S]*)$/.exec(message)
  if (match === null) return { reason: `the shell parser failed: ${message}` }
  return { reason: `the shell parser failed: ${match[2] ?? message}`, line: Number(match[1]) }
}

interface Placement {
  list: number
  pipeline: number
  position: number
  joinedBy?: '&&' | '||'
}

interface Nesting {
  kind: ShellCommand['nesting']
  parent?: number
  /** Line of the enclosing command: nested scripts report where they are written. */
  line?: number
  depth: number
}

class ScriptReader {
  readonly commands: ShellCommand[] = []
  private lists = 0
  private pipelines = 0
  private source = Buffer.alloc(0)

  constructor(
    private readonly language: 'bash' | 'posix',
    private readonly expressions: readonly string[],
  ) {}

  /** Parses `text` and appends its commands; returns the failure when the parser rejects it. */
  read(text: string, kind: ShellCommand['nesting'], depth: number, parent?: number, line?: number) {
    let file: SyntaxNode
    try {
      file = parsers()[this.language].Parse(text, 'script')
    } catch (error) {
      return describeFailure(error)
    }
    const outer = this.source
    this.source = Buffer.from(text, 'utf8')
    const nesting: Nesting = { kind, depth }
    if (parent !== undefined) nesting.parent = parent
    if (line !== undefined) nesting.line = line
    this.statements(file.Stmts, nesting)
    this.source = outer
    return undefined
  }

  /**
   * Reads a script whose lines are only plain words (`npm ci`, `make -j4 test`) without the parser,
   * exactly as the shell splits them: no quoting, expansion, operators, globs, comments, assignments
   * or reserved words can be in such text. Most CI lines are like this, and the parser is the costly
   * part of collecting them. Returns false, reading nothing, for any other script.
   */
  readPlain(text: string): boolean {
    const lines = text.split('\n')
    if (!lines.every((line) => plainLine.test(line))) return false
    const split = lines.map((line) =>
      line
        .trim()
        .split(/[ \t]+/)
        .filter((word) => word !== ''),
    )
    // A shell among the words may run a `-c` body, which only the parser reads.
    if (split.some((words) => words.some((word) => shells.has(word.slice(word.lastIndexOf('/') + 1))))) {
      return false
    }
    split.forEach((words, index) => {
      if (words.length === 0) return
      this.commands.push({
        words: words.map((word) => this.finish(word, true, [])),
        assignments: [],
        redirects: [],
        line: index + 1,
        list: this.lists++,
        pipeline: this.pipelines++,
        position: 0,
        nesting: 'script',
      })
    })
    return true
  }

  private statements(statements: SyntaxNode[] | null | undefined, nesting: Nesting): void {
    for (const statement of statements ?? []) {
      const list = this.lists++
      this.andOr(statement, nesting, list, undefined)
    }
  }

  private andOr(statement: SyntaxNode, nesting: Nesting, list: number, joinedBy?: '&&' | '||'): void {
    const command = statement.Cmd
    if (command && isBinary(command, [andOperator, orOperator]) && command.X && command.Y) {
      this.andOr(command.X, nesting, list, joinedBy)
      this.andOr(command.Y, nesting, list, command.Op === andOperator ? '&&' : '||')
      return
    }
    const placement: Placement = { list, pipeline: this.pipelines++, position: 0 }
    if (joinedBy !== undefined) placement.joinedBy = joinedBy
    this.pipe(statement, nesting, placement)
  }

  /** Walks a pipeline left to right; returns the next position. */
  private pipe(statement: SyntaxNode, nesting: Nesting, placement: Placement): number {
    const command = statement.Cmd
    if (command && isBinary(command, [pipeOperator, pipeAllOperator]) && command.X && command.Y) {
      const next = this.pipe(command.X, nesting, placement)
      const { joinedBy: _first, ...rest } = placement
      return this.pipe(command.Y, nesting, { ...rest, position: next })
    }
    this.command(statement, nesting, placement)
    return placement.position + 1
  }

  private command(statement: SyntaxNode, nesting: Nesting, placement: Placement): void {
    const command = statement.Cmd
    const inner = (kind: ShellCommand['nesting']): Nesting => ({ ...nesting, kind })
    if (!command) {
      // A statement of redirections only (`> file`, or a Dockerfile-style `<<EOF` opener).
      if ((statement.Redirs?.length ?? 0) > 0) this.simple(statement, [], [], nesting, placement)
      return
    }
    switch (shell().syntax.NodeType(command)) {
      case 'CallExpr':
        this.simple(statement, command.Args ?? [], command.Assigns ?? [], nesting, placement)
        return
      case 'DeclClause': {
        const words = [command.Variant, ...(command.Args ?? []).filter((a) => a.Naked).map((a) => a.Name)]
        const assigned = (command.Args ?? []).filter((a) => !a.Naked)
        this.simple(statement, words.filter(isNode), assigned, nesting, placement)
        return
      }
      case 'Subshell':
        this.statements(command.Stmts, inner('subshell'))
        return
      case 'Block':
        this.statements(command.Stmts, nesting)
        return
      case 'IfClause':
        this.ifClause(command, nesting)
        return
      case 'WhileClause':
        this.statements(command.Cond, nesting)
        this.statements(command.Do, nesting)
        return
      case 'ForClause':
        this.statements(command.Do, nesting)
        return
      case 'CaseClause':
        for (const item of command.Items ?? []) this.statements(item.Stmts, nesting)
        return
      case 'FuncDecl':
      case 'TimeClause':
        if (command.Body) this.statements([command.Body], nesting)
        if (command.Stmt) this.statements([command.Stmt], nesting)
        return
      default:
        // `[[ … ]]`, `(( … ))` and `let` run no program.
        return
    }
  }

  private ifClause(clause: SyntaxNode, nesting: Nesting): void {
    this.statements(clause.Cond, nesting)
    this.statements(clause.Then, nesting)
    if (clause.Else) this.ifClause(clause.Else, nesting)
  }

  private simple(
    statement: SyntaxNode,
    args: readonly SyntaxNode[],
    assigns: readonly SyntaxNode[],
    nesting: Nesting,
    placement: Placement,
  ): void {
    const nested: { stmts: SyntaxNode[]; line: number }[] = []
    const word = (node: SyntaxNode): ShellWord => this.word(node, nested)
    const command: ShellCommand = {
      words: args.map(word),
      assignments: assigns.flatMap((assign) => {
        const name = assign.Name?.Value
        if (typeof name !== 'string') return []
        const value = assign.Value
        return [{ name, value: typeof value === 'object' && value !== null ? word(value) : emptyWord() }]
      }),
      redirects: (statement.Redirs ?? []).flatMap((redirect) => {
        if (!redirect.Word) return []
        const op = this.slice(redirect.Pos().Offset(), redirect.Word.Pos().Offset()).trim()
        const entry: ShellCommand['redirects'][number] = { op, target: word(redirect.Word) }
        if (redirect.Hdoc) entry.heredoc = this.heredoc(redirect.Word, redirect.Hdoc, nested)
        return [entry]
      }),
      line: nesting.line ?? statement.Pos().Line(),
      ...placement,
      nesting: nesting.kind,
    }
    if (nesting.parent !== undefined) command.parent = nesting.parent
    const index = this.commands.length
    this.commands.push(command)
    // `$(…)` and backquotes run commands of their own.
    for (const substitution of nested) {
      this.statements(substitution.stmts, {
        kind: 'command-substitution',
        parent: index,
        line: nesting.line ?? substitution.line,
        depth: nesting.depth,
      })
    }
    if (nesting.depth < maxDepth) this.nestedScripts(command, index, nesting.depth + 1)
  }

  /** `sh -c "…"` anywhere in the command (`docker run img sh -c "…"` too), and a heredoc fed to a shell. */
  private nestedScripts(command: ShellCommand, index: number, depth: number): void {
    command.words.forEach((word, at) => {
      const program = word.text.slice(word.text.lastIndexOf('/') + 1)
      if (!shells.has(program)) return
      let flag = at + 1
      while (flag < command.words.length && (command.words[flag]?.text ?? '').startsWith('-')) {
        if (/^-[a-zA-Z]*c[a-zA-Z]*$/.test(command.words[flag]?.text ?? '')) {
          const body = command.words[flag + 1]
          if (body !== undefined) this.read(this.restore(body.text), 'shell-c', depth, index, command.line)
          return
        }
        flag++
      }
    })
    if (!shells.has(programOf({ words: commandWords(command) }))) return
    for (const redirect of command.redirects) {
      if (redirect.heredoc !== undefined) {
        this.read(this.restore(redirect.heredoc.text), 'heredoc', depth, index, command.line)
      }
    }
  }

  private heredoc(delimiter: SyntaxNode, body: SyntaxNode, nested: { stmts: SyntaxNode[]; line: number }[]) {
    // A quoted delimiter (`<<'EOF'`) turns expansion off: the body is literal.
    const quoted = (delimiter.Parts ?? []).some((part) => shell().syntax.NodeType(part) !== 'Lit')
    if (quoted) {
      const literal = (body.Parts ?? []).map((part) => (typeof part.Value === 'string' ? part.Value : ''))
      return this.finish(literal.join(''), true, [])
    }
    return this.word(body, nested, true)
  }

  private word(
    node: SyntaxNode,
    nested: { stmts: SyntaxNode[]; line: number }[],
    heredoc = false,
  ): ShellWord {
    // `export`, and the names it exports, are bare literals rather than words.
    if (typeof node.Value === 'string') return this.finish(node.Value, true, [])
    const variables: string[] = []
    let isStatic = true
    const text = this.parts(
      node.Parts ?? [],
      heredoc ? 'heredoc' : 'bare',
      variables,
      (dynamic) => {
        if (dynamic) isStatic = false
      },
      nested,
    )
    return this.finish(text, isStatic, variables)
  }

  private parts(
    parts: readonly SyntaxNode[],
    context: 'bare' | 'double' | 'heredoc',
    variables: string[],
    mark: (dynamic: boolean) => void,
    nested: { stmts: SyntaxNode[]; line: number }[],
  ): string {
    let text = ''
    for (const part of parts) {
      // Reading a node's fields crosses into GopherJS and costs: take the source text only when needed.
      const source = (): string => this.slice(part.Pos().Offset(), part.End().Offset())
      switch (shell().syntax.NodeType(part)) {
        case 'Lit': {
          const value = typeof part.Value === 'string' ? part.Value : source()
          // Quote removal: a backslash escapes any character outside quotes, only `$ \` " \\` inside.
          text +=
            context === 'bare' ? value.replace(/\\([\s\S])/g, '$1') : value.replace(/\\([$`"\\])/g, '$1')
          break
        }
        case 'SglQuoted':
          text += typeof part.Value === 'string' ? part.Value : ''
          break
        case 'DblQuoted':
          text += this.parts(part.Parts ?? [], 'double', variables, mark, nested)
          break
        case 'ParamExp': {
          const name = part.Param?.Value
          if (typeof name === 'string') variables.push(name)
          mark(true)
          text += source()
          break
        }
        case 'CmdSubst':
          nested.push({ stmts: part.Stmts ?? [], line: part.Pos().Line() })
          mark(true)
          text += source()
          break
        case 'ArithmExp':
        case 'ProcSubst':
          mark(true)
          text += source()
          break
        default:
          text += source()
      }
    }
    return text
  }

  /** Puts GitHub expressions back where their placeholders are; a word holding one is not static. */
  private finish(text: string, isStatic: boolean, variables: string[]): ShellWord {
    const found: string[] = []
    const restored = text.replace(placeholderPattern, (_, index: string) => {
      const expression = this.expressions[Number(index)] ?? ''
      found.push(expression)
      return expression
    })
    return { text: restored, static: isStatic && found.length === 0, variables, expressions: found }
  }

  /** A nested script's text with placeholders still in, so its expressions are found again. */
  private restore(text: string): string {
    let restored = text
    this.expressions.forEach((expression, index) => {
      restored = restored.split(expression).join(`__trustctl_expr_${index}__`)
    })
    return restored
  }

  private slice(start: number, end: number): string {
    return this.source.subarray(start, end).toString('utf8')
  }
}

function isBinary(node: SyntaxNode, operators: readonly number[]): boolean {
  return shell().syntax.NodeType(node) === 'BinaryCmd' && operators.includes(node.Op ?? -1)
}

function isNode(node: SyntaxNode | null | undefined): node is SyntaxNode {
  return node !== null && node !== undefined
}

function emptyWord(): ShellWord {
  return { text: '', static: true, variables: [], expressions: [] }
}
