import { z } from 'zod'
import { defineCheck } from '../../../src/core/check.js'
import type { ContainerDockerfile, DockerStage, ImageReference } from '../../../src/core/evidence.js'
import { imageMatchesPrefix, parseImageReference } from '../../../src/core/image-reference.js'
import { describeImage, isDebugTag, isDistroless } from '../shared/image.js'
import { packageOperation, removedPaths, targetRemoves, wordsOf } from '../shared/shell-commands.js'
import { findShippedImage } from '../shared/shipped-image.js'
import {
  type BaseProfile,
  classifyPackage,
  isShellBinary,
  isShellDirectory,
  profileBase,
} from '../shared/tooling.js'

interface InstalledTool {
  name: string
  what: string
  line: number
  group?: string
}

interface RemovedPath {
  target: string
  line: number
}

/** What the RUN and COPY instructions of the shipped stages add to, and take from, the base. */
interface StageChanges {
  installed: InstalledTool[]
  shellCopies: { instruction: string; source: string; line: number }[]
  removedPaths: RemovedPath[]
  removedPackages: Set<string>
  /** RUN instructions whose commands could not be parsed: what they install or remove is unknown. */
  unread: { line: number; reason: string }[]
}

/**
 * Whether `COPY --from=<from>` copies out of a minimal image: a stage whose base is one, or such an
 * image named directly. A stage or image that cannot be traced is not taken for minimal.
 */
function copiesFromMinimal(
  dockerfile: ContainerDockerfile,
  from: string,
  minimalImages: readonly string[],
): boolean {
  const stage = dockerfile.stages.find(
    (s) => s.name?.toLowerCase() === from.toLowerCase() || String(s.index) === from,
  )
  if (stage !== undefined) {
    const image = findShippedImage({ ...dockerfile, finalStage: stage.index })?.image
    return image !== undefined && !image.unresolved && isMinimal(image, minimalImages)
  }
  const image = parseImageReference(from)
  return !image.unresolved && isMinimal(image, minimalImages)
}

function readChanges(
  dockerfile: ContainerDockerfile,
  chain: readonly DockerStage[],
  minimalImages: readonly string[],
): StageChanges {
  const changes: StageChanges = {
    installed: [],
    shellCopies: [],
    removedPaths: [],
    removedPackages: new Set(),
    unread: [],
  }
  for (const stage of chain) {
    for (const instruction of stage.instructions) {
      if (instruction.keyword !== 'RUN') continue
      const script = instruction.script
      if (script?.parsed !== true) {
        const reason = script?.parsed === false ? script.reason : 'the evidence holds no parsed commands'
        changes.unread.push({ line: instruction.line, reason })
        continue
      }
      for (const command of script.commands) {
        const words = wordsOf(command)
        const operation = packageOperation(words)
        if (operation?.action === 'install') {
          for (const name of operation.packages) {
            const what = classifyPackage(name)
            if (what === undefined) continue
            const tool: InstalledTool = { name, what, line: instruction.line }
            if (operation.group !== undefined) tool.group = operation.group
            changes.installed.push(tool)
          }
        } else if (operation?.action === 'remove') {
          // Installing build tools and purging them again (`apk del .build-deps`) leaves none behind.
          const removed = new Set(operation.packages)
          for (const name of removed) changes.removedPackages.add(name)
          changes.installed = changes.installed.filter(
            (tool) => !removed.has(tool.name) && (tool.group === undefined || !removed.has(tool.group)),
          )
        }
        for (const target of removedPaths(words))
          changes.removedPaths.push({ target, line: instruction.line })
      }
    }
  }
  const chainIndexes = new Set(chain.map((stage) => stage.index))
  for (const copy of dockerfile.copies) {
    if (!chainIndexes.has(copy.stage)) continue
    for (const source of copy.sources) {
      // A whole /bin (or /) out of another stage or image brings its shell along, unless that
      // stage or image is itself minimal; a directory of the build context is the project's own.
      const shellDirectory =
        copy.fromStage !== undefined &&
        isShellDirectory(source) &&
        !copiesFromMinimal(dockerfile, copy.fromStage, minimalImages)
      if (isShellBinary(source) || shellDirectory)
        changes.shellCopies.push({
          instruction: copy.instruction,
          source: shellDirectory ? `${source} from ${copy.fromStage}` : source,
          line: copy.line,
        })
    }
  }
  return changes
}

/** The lines of the removals that satisfy one alternative of a requirement, or undefined if none does. */
function removalLines(
  alternatives: readonly string[][],
  removals: readonly RemovedPath[],
): number[] | undefined {
  for (const paths of alternatives) {
    const lines: number[] = []
    const complete = paths.every((path) => {
      const removal = removals.find((r) => targetRemoves(r.target, path))
      if (removal !== undefined) lines.push(removal.line)
      return removal !== undefined
    })
    if (complete) return lines
  }
  return undefined
}

function describeTools(tools: readonly InstalledTool[]): string {
  return tools.map((tool) => `${tool.name} (${tool.what})`).join(', ')
}

/** `a`, `a and b`, `a, b and c`. */
function listWords(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1) ?? ''}`
}

function isMinimal(image: ImageReference, minimalImages: readonly string[]): boolean {
  if (image.scratch) return true
  if (isDistroless(image)) return !isDebugTag(image)
  // Chainguard's static image is glibc-free, shell-free and package-manager-free; its -dev tags are not.
  if (image.registry === 'cgr.dev' && image.repository === 'chainguard/static') {
    return !(image.tag ?? '').includes('dev')
  }
  // Microsoft's chiseled Ubuntu and Azure Linux distroless tags ship no shell or package manager.
  if (image.registry === 'mcr.microsoft.com' && /chiseled|distroless/.test(image.tag ?? '')) return true
  return imageMatchesPrefix(image, minimalImages)
}

function describeShips(image: ImageReference, profile: BaseProfile): string {
  if (profile.family === 'unknown') {
    return `${describeImage(image)}, which is not a known minimal image: treat it as shipping a shell and package manager, or list it in minimalImages if it ships neither`
  }
  const parts: string[] = []
  if (profile.shells.length > 0) parts.push(`a shell (${profile.shells.join(', ')})`)
  if (profile.packageManagers.length > 0)
    parts.push(`a package manager (${profile.packageManagers.join(', ')})`)
  if (profile.toolchain.length > 0) parts.push(`build tools (${profile.toolchain.join(', ')})`)
  return `${describeImage(image)} (${profile.label}), which ships ${listWords(parts)}`
}

export default defineCheck({
  id: 'container/final-stage-has-no-shell-or-tooling',
  title: 'Shipped images contain no shell, package manager or build tooling',
  description:
    'A shell, package manager, compiler or downloader in a production image is what an intruder uses to turn a ' +
    'single bug into a foothold: run commands, fetch tools, build exploits. Server hardening baselines (CIS ' +
    'benchmarks) have always required removing software a server does not need; for containers that means ' +
    'shipping only the application and its runtime. Full distribution images (Debian, Ubuntu, Alpine, and the ' +
    'language images built on them) ship all of this by default and fail unless it is removed.',
  remediation:
    'Use a multi-stage build: compile and install dependencies in a build stage, then copy only the artefacts ' +
    'into a minimal final stage: `FROM gcr.io/distroless/<runtime>:nonroot`, `FROM cgr.dev/chainguard/static` or ' +
    '`FROM scratch` for static binaries. Do not install curl, compilers or debuggers in the final stage; use ' +
    '`kubectl debug` with an ephemeral debug container when you need tools at run time. If your own base image ' +
    'ships no shell, list it in `minimalImages`.',
  severity: 'medium',
  reads: ['container.dockerfile'],
  params: z.object({
    /** Further images known to ship no shell or package manager, as `registry/repository` prefixes. */
    minimalImages: z.array(z.string()).default([]),
  }),
  evaluate({ evidence, params, result }) {
    return evidence['container.dockerfile'].map((dockerfile) => {
      const shipped = findShippedImage(dockerfile)
      if (shipped?.image === undefined) {
        return result.fail(
          dockerfile,
          'the final stage cannot be traced back to a FROM image, so its contents cannot be verified',
        )
      }
      const { image, root, chain } = shipped
      if (image.unresolved) {
        return result.fail(
          dockerfile,
          `FROM ${describeImage(image)} uses a build argument without a default, so what the final image ships cannot be verified`,
          { line: root.line },
        )
      }
      const changes = readChanges(dockerfile, chain, params.minimalImages)
      const installLines = [...new Set(changes.installed.map((tool) => tool.line))]
      const added = [
        ...installLines.map((line) => ({
          line,
          text: `RUN at line ${line} installs ${describeTools(changes.installed.filter((tool) => tool.line === line))}`,
        })),
        ...changes.shellCopies.map((copy) => ({
          line: copy.line,
          text: `${copy.instruction} at line ${copy.line} adds a shell (${copy.source})`,
        })),
      ].sort((a, b) => a.line - b.line)

      // What an unparsed RUN installs or removes is unknown, so any verdict that depends on it is too.
      const unread =
        changes.unread.length === 0
          ? undefined
          : result.undetermined(
              dockerfile,
              `cannot tell what the final image ships: ${changes.unread
                .map((run) => `RUN at line ${run.line} could not be read (${run.reason})`)
                .join('; ')}`,
            )

      if (isMinimal(image, params.minimalImages)) {
        if (unread !== undefined) return unread
        const first = added[0]
        return first === undefined
          ? result.pass(
              dockerfile,
              `final image is built on ${describeImage(image)}, which ships no shell or package manager`,
              {
                line: root.line,
              },
            )
          : result.fail(
              dockerfile,
              `final image is built on the minimal ${describeImage(image)}, but ${added.map((a) => a.text).join('; ')}`,
              { line: first.line },
            )
      }

      const profile = profileBase(image)
      // Unknown bases and bases with build tools fail whatever RUN removes; others depend on it.
      if (unread !== undefined && profile.family !== 'unknown' && profile.toolchain.length === 0)
        return unread
      const shellRemoved = removalLines(profile.shellRemoval, changes.removedPaths)
      const packageManagerRemoved =
        profile.packageManagerRemoval.length === 0
          ? []
          : (removalLines(profile.packageManagerRemoval, changes.removedPaths) ??
            (profile.family === 'alpine' && changes.removedPackages.has('apk-tools') ? [] : undefined))
      const stripped =
        profile.family !== 'unknown' &&
        profile.toolchain.length === 0 &&
        shellRemoved !== undefined &&
        packageManagerRemoved !== undefined
      if (stripped && added.length === 0) {
        const lines = [...new Set([...shellRemoved, ...packageManagerRemoved])].sort((a, b) => a - b)
        return result.pass(
          dockerfile,
          `final image is built on ${describeImage(image)} (${profile.label}), and RUN at line ${lines.join(', ')} removes its shell and package manager`,
          { line: lines[0] ?? root.line },
        )
      }
      const problems = [`final image is built on ${describeShips(image, profile)}`]
      if (profile.family !== 'unknown' && profile.toolchain.length === 0) {
        if (shellRemoved !== undefined) problems.push('the shell is removed but the package manager stays')
        else if (packageManagerRemoved !== undefined && profile.packageManagers.length > 0) {
          problems.push('the package manager is removed but the shell stays')
        }
      }
      problems.push(...added.map((a) => a.text))
      return result.fail(dockerfile, problems.join('; '), { line: added[0]?.line ?? root.line })
    })
  },
})
