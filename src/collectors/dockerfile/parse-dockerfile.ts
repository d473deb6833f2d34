import { DockerfileParser, From, type Instruction, PropertyInstruction } from 'dockerfile-ast'
import type {
  CollectionError,
  ContainerDockerfile,
  DockerCopy,
  DockerStage,
  DockerVariable,
} from '../../core/evidence.js'
import { parseImageReference } from '../../core/image-reference.js'
import { nameLooksLikeSecret, valueLooksLikeSecret } from '../../core/secrets.js'

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
  for (const instruction of instructions) {
    const keyword = instruction.getKeyword().toUpperCase()
    const line = lineOf(instruction)
    const stageIndex = current?.index ?? -1
    if (instruction instanceof PropertyInstruction && (keyword === 'ARG' || keyword === 'ENV')) {
      collectVariables(instruction, keyword, stageIndex, variables)
    }
    if (instruction instanceof From) {
      current = startStage(instruction, stages.length, globalArgs, stageIndexByName, stages, file, errors)
      stages.push(current)
      continue
    }
    if (current === undefined) continue
    const args =
      keyword === 'ENV' || keyword === 'ARG'
        ? propertyNames(instruction).join(' ')
        : (instruction.getArgumentsContent() ?? '')
    current.instructions.push({ keyword, args, line })
    if (keyword === 'USER') {
      const user = instruction.getArgumentsContent()?.trim()
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
  const args = instruction
    .getArguments()
    .map((a) => a.getValue())
    .filter((a) => !a.startsWith('--'))
  const heredoc = args.some((a) => a.startsWith('<<'))
  const copy: DockerCopy = {
    instruction: keyword,
    sources: heredoc ? [] : args.slice(0, -1),
    destination: args.at(-1) ?? '',
    line: lineOf(instruction),
    stage,
  }
  const fromFlag = /--from=(\S+)/.exec(instruction.getRawArgumentsContent() ?? '')
  if (fromFlag?.[1] !== undefined) copy.fromStage = fromFlag[1]
  return copy
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
