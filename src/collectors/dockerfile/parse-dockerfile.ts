import {
  DockerfileParser,
  From,
  type Instruction,
  ModifiableInstruction,
  PropertyInstruction,
} from 'dockerfile-ast'
import type {
  CollectionError,
  ContainerDockerfile,
  DockerCopy,
  DockerInstruction,
  DockerStage,
  DockerVariable,
} from '../../core/evidence.js'
import { parseImageReference } from '../../core/image-reference.js'
import { nameLooksLikeSecret, redactSecrets, valueLooksLikeSecret } from '../../core/secrets.js'
import {
  type DockerShell,
  defaultDockerShell,
  parseInstructionScript,
  readShellInstruction,
} from './instruction-script.js'

export interface DockerfileParseResult {
  evidence: ContainerDockerfile[]
  errors: CollectionError[]
}

const knownKeywords = new Set([
  'FROM',
  'RUN',
  'CMD',
  'LABEL',
  'MAINTAINER',
  'EXPOSE',
  'ENV',
  'ADD',
  'COPY',
  'ENTRYPOINT',
  'VOLUME',
  'USER',
  'WORKDIR',
  'ARG',
  'ONBUILD',
  'STOPSIGNAL',
  'HEALTHCHECK',
  'SHELL',
])

/** Line numbers in evidence are 1-based, as editors show them; the parser's are 0-based. */
function lineOf(instruction: Instruction): number {
  return instruction.getRange().start.line + 1
}

/**
 * Parses one Dockerfile into `container.dockerfile` evidence. ENV and ARG values are inspected for
 * credentials and then dropped: evidence never holds them.
 */
export function parseDockerfile(text: string, file: string, target?: string): DockerfileParseResult {
  const errors: CollectionError[] = []
  const dockerfile = DockerfileParser.parse(text)
  const instructions = dockerfile.getInstructions()
  if (instructions.length === 0) {
    return {
      evidence: [],
      errors: [{ file, message: 'no instructions: the file is empty or only comments' }],
    }
  }
  for (const instruction of instructions) {
    const keyword = instruction.getKeyword().toUpperCase()
    if (!knownKeywords.has(keyword)) {
      errors.push({
        file,
        line: lineOf(instruction),
        message: `unknown instruction '${instruction.getKeyword()}'`,
      })
    }
  }
  const froms = dockerfile.getFROMs()
  if (froms.length === 0) {
    errors.push({ file, line: lineOf(instructions[0] as Instruction), message: 'no FROM instruction' })
    return { evidence: [], errors }
  }

  // Build args declared before the first FROM may be used in FROM lines; their defaults resolve images.
  const globalArgs = new Map<string, string>()
  for (const arg of dockerfile.getInitialARGs()) {
    for (const property of arg.getProperties()) {
      const value = property.getValue()
      if (value !== null) globalArgs.set(property.getName(), value)
    }
  }

  const variables: DockerVariable[] = []
  const copies: DockerCopy[] = []
  const stages: DockerStage[] = []
  const stageIndexByName = new Map<string, number>()

  let current: DockerStage | undefined
  const stageVariables: Map<string, string>[] = []
  const stageShells: DockerShell[] = []
  const escapeCharacter =
    dockerfile
      .getDirectives()
      .find((directive) => directive.getDirective()?.toLowerCase() === 'escape')
      ?.getValue() || '\\'
  for (const instruction of instructions) {
    const keyword = instruction.getKeyword().toUpperCase()
    const line = lineOf(instruction)
    const stageIndex = current?.index ?? -1
    if (instruction instanceof PropertyInstruction && (keyword === 'ARG' || keyword === 'ENV')) {
      collectVariables(instruction, keyword, stageIndex, variables)
    }
    if (instruction instanceof From) {
      current = startStage(instruction, stages.length, globalArgs, stageIndexByName, stages, file, errors)
      // ENV values carry over when a stage builds FROM an earlier one; ARGs do not.
      stageVariables.push(new Map(current.fromStage === undefined ? [] : stageVariables[current.fromStage]))
      stages.push(current)
      // A stage built FROM an earlier one keeps its SHELL.
      stageShells.push(
        current.fromStage === undefined
          ? defaultDockerShell
          : (stageShells[current.fromStage] ?? defaultDockerShell),
      )
      continue
    }
    if (current === undefined) continue
    const variablesInStage = stageVariables[current.index] ?? new Map<string, string>()
    if (instruction instanceof PropertyInstruction && (keyword === 'ARG' || keyword === 'ENV')) {
      rememberPlainValues(instruction, keyword, globalArgs, variablesInStage)
    }
    // Values never reach evidence, but a RUN line can still embed a token: redact before keeping it.
    const args =
      keyword === 'ENV' || keyword === 'ARG'
        ? propertyNames(instruction).join(' ')
        : redactSecrets(instruction.getRawArgumentsContent() ?? instruction.getArgumentsContent() ?? '')
    const entry: DockerInstruction = { keyword, args, line }
    if (keyword === 'SHELL')
      stageShells[current.index] = readShellInstruction(args, line) ?? defaultDockerShell
    if (keyword === 'RUN' || keyword === 'CMD' || keyword === 'ENTRYPOINT') {
      entry.script = parseInstructionScript(
        args,
        stageShells[current.index] ?? defaultDockerShell,
        escapeCharacter,
      )
    }
    current.instructions.push(entry)
    if (keyword === 'USER') {
      // `USER ${APP_UID}` is resolved from the stage's ARG/ENV defaults, so checks can judge the uid.
      const user = unquoteUser(substitute(instruction.getArgumentsContent()?.trim() ?? '', variablesInStage))
      if (user) current.user = user
    }
    if (keyword === 'COPY' || keyword === 'ADD') copies.push(toCopy(instruction, keyword, current.index))
  }

  let finalStage = stages.length - 1
  if (target !== undefined) {
    const targetIndex = stageIndexByName.get(target.toLowerCase())
    if (targetIndex === undefined)
      errors.push({ file, message: `build target '${target}' is not a stage name` })
    else finalStage = targetIndex
  }
  const evidence: ContainerDockerfile = {
    kind: 'container.dockerfile',
    resourceKind: 'Dockerfile',
    name: file,
    file,
    line: 1,
    stages,
    finalStage,
    variables,
    copies,
  }
  return { evidence: [evidence], errors }
}

function startStage(
  from: From,
  index: number,
  globalArgs: ReadonlyMap<string, string>,
  stageIndexByName: Map<string, number>,
  stages: readonly DockerStage[],
  file: string,
  errors: CollectionError[],
): DockerStage {
  const fromArg = substitute(from.getImage() ?? '', globalArgs)
  const stage: DockerStage = { index, line: lineOf(from), from: fromArg, instructions: [] }
  const parentIndex = stageIndexByName.get(fromArg.toLowerCase())
  if (parentIndex !== undefined) {
    // FROM <earlier stage>: the stage inherits that stage's image and user.
    stage.fromStage = parentIndex
    const parentUser = stages[parentIndex]?.user
    if (parentUser !== undefined) stage.user = parentUser
  } else if (fromArg === '') {
    errors.push({ file, line: stage.line, message: 'FROM has no image' })
  } else {
    stage.image = parseImageReference(fromArg)
  }
  const name = from.getBuildStage()
  if (name !== null) {
    stage.name = name
    stageIndexByName.set(name.toLowerCase(), index)
  }
  return stage
}

/**
 * Keeps the values of ordinary build variables (uids, versions, paths) so later instructions can be
 * resolved; a value that is, or is named like, a credential is never kept.
 */
function rememberPlainValues(
  instruction: PropertyInstruction,
  keyword: 'ARG' | 'ENV',
  globalArgs: ReadonlyMap<string, string>,
  into: Map<string, string>,
): void {
  for (const property of instruction.getProperties()) {
    const name = property.getName()
    // `ARG NAME` inside a stage brings the global default of NAME into scope.
    const value = property.getValue() ?? (keyword === 'ARG' ? globalArgs.get(name) : undefined)
    if (value === undefined || nameLooksLikeSecret(name) || valueLooksLikeSecret(value)) continue
    into.set(name, substitute(value, into))
  }
}

function propertyNames(instruction: Instruction): string[] {
  return instruction instanceof PropertyInstruction ? instruction.getProperties().map((p) => p.getName()) : []
}

function collectVariables(
  instruction: PropertyInstruction,
  keyword: 'ARG' | 'ENV',
  stage: number,
  into: DockerVariable[],
): void {
  for (const property of instruction.getProperties()) {
    const value = property.getValue() ?? ''
    const hasDefault = value !== ''
    into.push({
      instruction: keyword,
      name: property.getName(),
      line: property.getRange().start.line + 1,
      stage,
      hasDefault,
      // A credential-shaped literal, or a credential-named variable given a literal that is not
      // itself a reference to another variable.
      valueLooksLikeSecret:
        hasDefault &&
        (valueLooksLikeSecret(value) ||
          (nameLooksLikeSecret(property.getName()) && !/^\$\{?\w+\}?$/.test(value))),
    })
  }
}

function toCopy(instruction: Instruction, keyword: 'COPY' | 'ADD', stage: number): DockerCopy {
  // The JSON form (`COPY ["a b", "/dest/"]`) quotes its paths; the word list would split them (and
  // dockerfile-ast's JSON strings drop the spaces), so read it as the JSON it is.
  let paths = jsonPaths(instruction.getRawArgumentsContent() ?? '')
  if (paths === undefined) {
    // Flags are not arguments here. A heredoc's body follows the line that opens it: the paths are
    // the words up to that line, not the body (else `COPY <<EOF /etc/x` had destination `EOF`).
    const words = instruction.getArguments()
    const lastHeredoc = words.findLast((w) => w.getValue().startsWith('<<'))
    const lastLine = lastHeredoc?.getRange().start.line ?? Number.POSITIVE_INFINITY
    paths = words.filter((w) => w.getRange().start.line <= lastLine).map((w) => w.getValue())
  }
  const copy: DockerCopy = {
    instruction: keyword,
    sources: paths.slice(0, -1).filter((p) => !p.startsWith('<<')),
    destination: paths.at(-1) ?? '',
    line: lineOf(instruction),
    stage,
  }
  // `--from` is a flag, which the parser keeps out of the raw arguments, so read it from the flags.
  const fromFlag =
    instruction instanceof ModifiableInstruction
      ? instruction.getFlags().find((f) => f.getName() === 'from')
      : undefined
  const fromValue = fromFlag?.getValue()
  if (fromValue) copy.fromStage = fromValue
  return copy
}

function jsonPaths(args: string): string[] | undefined {
  if (!args.trimStart().startsWith('[')) return undefined
  try {
    const parsed: unknown = JSON.parse(args)
    return Array.isArray(parsed) && parsed.every((p) => typeof p === 'string') ? parsed : undefined
  } catch {
    return undefined
  }
}

/**
 * The user as the builder reads it: it takes the USER word through its shell-word rules, so
 * `USER "root"` and `USER 'root':'root'` run as root. No user or group name holds a quote.
 */
function unquoteUser(user: string): string {
  return user.replace(/["']/g, '')
}

/** Replaces `$NAME` and `${NAME}` with known build-arg defaults; unknown ones stay as written. */
function substitute(text: string, args: ReadonlyMap<string, string>): string {
  return text.replace(
    /\$\{?([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}?/g,
    (match, name: string, fallback?: string) => {
      return args.get(name) ?? fallback ?? match
    },
  )
}
