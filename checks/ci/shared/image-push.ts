import type { WorkflowStep } from '../../../src/core/evidence.js'
import { actionOf, scriptLines } from './workflow.js'

/** A `with:` value that turns pushing on: anything but a missing value or a literal false. */
function enabled(value: string | undefined): boolean {
  return value !== undefined && value.trim().toLowerCase() !== 'false'
}

/** A buildx output that writes to a registry: `type=registry`, or `type=image,…,push=true`. */
const registryOutput = /type=registry\b|\bpush=true\b/

/** Whether an action step publishes an image to a registry. */
function actionPushes(step: WorkflowStep): boolean {
  const action = actionOf(step)
  const input = (name: string): string | undefined => step.with[name]
  switch (action) {
    case 'docker/build-push-action':
      // `push` defaults to false; an expression such as `${{ github.event_name != 'pull_request' }}` pushes on some runs.
      return enabled(input('push')) || registryOutput.test(input('outputs') ?? '')
    case 'docker/bake-action':
      return enabled(input('push')) || registryOutput.test(input('set') ?? '')
    case 'redhat-actions/push-to-registry':
      return true
    case 'mr-smithers-excellent/docker-build-push':
      // pushImage defaults to true.
      return input('pushImage')?.trim().toLowerCase() !== 'false'
    default:
      return false
  }
}

/** The words of a command, quotes stripped, up to the first `&&`, `||`, `;` or `|`. */
function commandWords(text: string): string[] {
  const command = text.split(/&&|\|\||;|\|/)[0] ?? ''
  return command
    .trim()
    .split(/\s+/)
    .map((word) => word.replace(/^["']|["']$/g, ''))
}

/** `skopeo copy [flags] SOURCE docker://DESTINATION`: the destination is the last positional word. */
function skopeoPushes(line: string): boolean {
  const match = /\bskopeo\s+copy\b(.*)$/.exec(line)
  if (match === undefined || match === null) return false
  const positional = commandWords(match[1] ?? '').filter((word) => word !== '' && !word.startsWith('-'))
  return positional.at(-1)?.startsWith('docker://') === true
}

/** `ko build` pushes unless told to keep the image local. */
function koPushes(line: string, env: Readonly<Record<string, string>>): boolean {
  if (!/\bko\s+(?:build|publish|resolve|apply|create)\b/.test(line)) return false
  if (/--push(?:=|\s+)false\b/.test(line) || /(?:^|\s)(?:--local|-L)\b/.test(line)) return false
  return !/\bko\.local\b/.test(line) && !(env.KO_DOCKER_REPO ?? '').startsWith('ko.local')
}

const pushCommands: RegExp[] = [
  /\b(?:docker|podman|buildah)\s+(?:image\s+|manifest\s+)?push\b/,
  /\bdocker[\s-]compose\s+push\b/,
  /\bcrane\s+push\b/,
  /\bpack\s+build\b.*\s--publish\b/,
]

/** `docker build --push`, `docker buildx build --push`, `docker buildx bake --push`, or a registry output. */
function buildxPushes(line: string): boolean {
  if (!/\bdocker\s+(?:buildx\s+(?:build|bake)|(?:image\s+)?build)\b/.test(line)) return false
  return (
    /(?:^|\s)--push(?:=true)?(?:\s|$)/.test(line) ||
    /(?:--output|-o)[=\s]+\S*(?:type=registry|push=true)/.test(line)
  )
}

/** Whether one script line publishes an image to a registry. */
export function linePushes(line: string, env: Readonly<Record<string, string>> = {}): boolean {
  return (
    pushCommands.some((pattern) => pattern.test(line)) ||
    buildxPushes(line) ||
    skopeoPushes(line) ||
    koPushes(line, env)
  )
}

/**
 * Where in a step an image is first published to a registry: 0 for an action that pushes, the index
 * of the first pushing line of a script (as `scriptLines` splits it), or undefined when it pushes none.
 * Kaniko's executor is not counted: it pushes to its `--destination`, which GitLab pipelines commonly
 * use as a staging tag that a later job promotes.
 */
export function pushIndex(step: WorkflowStep): number | undefined {
  if (actionPushes(step)) return 0
  const index = scriptLines(step.run ?? '').findIndex((line) => linePushes(line, step.env))
  return index === -1 ? undefined : index
}
