import { z } from 'zod'
import { defineCheck } from '../../../src/core/check.js'
import type { CiWorkflow, WorkflowStep } from '../../../src/core/evidence.js'
import {
  describeInclude,
  failureAllowed,
  isContainerScanningInclude,
  isGitLabPipeline,
} from '../shared/gitlab.js'
import { linePushes, pushIndex } from '../shared/image-push.js'
import { actionOf, describeStep, type LocatedStep, scriptLines, stepsOf } from '../shared/workflow.js'

const levels = ['low', 'medium', 'high', 'critical'] as const
type Level = (typeof levels)[number]

const levelNames: readonly string[] = levels

function rank(level: string): number {
  return levelNames.indexOf(level.trim().toLowerCase())
}

/** The levels from the minimum up, as scanners spell them: `HIGH`, `CRITICAL`. */
function blockedLevels(minimum: Level): string[] {
  return levels.slice(rank(minimum)).map((level) => level.toUpperCase())
}

/** A severity list (`HIGH,CRITICAL`) blocks when it names the minimum and every worse level; the gap names what is missing. */
function listGap(list: string, minimum: Level, label: string): string | undefined {
  const named = new Set(list.split(/[,\s]+/).map((s) => s.trim().toUpperCase()))
  const missing = blockedLevels(minimum).filter((level) => !named.has(level))
  return missing.length === 0 ? undefined : `${label} ${list} leaves out ${missing.join(' and ')}`
}

/** A threshold (`--fail-on high`) blocks a level when it is at or below it. */
function thresholdCovers(threshold: string, minimum: Level): boolean {
  const r = rank(threshold)
  return r !== -1 && r <= rank(minimum)
}

const buildActions = new Set([
  'docker/build-push-action',
  'docker/bake-action',
  'redhat-actions/buildah-build',
  'mr-smithers-excellent/docker-build-push',
])

const kaniko = /\b(?:kaniko|\/kaniko\/executor)\b/

const buildCommands = [
  /\bdocker\s+(?:image\s+)?build\b/,
  /\bdocker\s+buildx\s+(?:build|bake)\b/,
  /\bdocker[\s-]compose\s+build\b/,
  /\bpodman\s+(?:image\s+)?build\b/,
  /\bbuildah\s+(?:bud|build)\b/,
  kaniko,
  /\bko\s+(?:build|publish|resolve|apply)\b/,
  /\bpack\s+build\b/,
]

/**
 * In GitLab, kaniko runs as `/kaniko/executor` in the kaniko image, and `/kaniko/.docker/config.json` is
 * written by the step before: only the executor builds.
 */
const gitLabBuildCommands = [
  ...buildCommands.filter((pattern) => pattern !== kaniko),
  /(?:^|\s)\/kaniko\/executor\b/,
]

/** Every build in a step: index 0 for a build action, else each building script line, with its image. */
function buildsIn(step: WorkflowStep, gitLab: boolean): { index: number; image?: string }[] {
  const action = actionOf(step)
  if ((action !== undefined && buildActions.has(action)) || step.uses?.includes('kaniko-project/executor'))
    return [withImage(0, firstTag(step.with.tags ?? step.with.destination ?? step.with.image))]
  const commands = gitLab ? gitLabBuildCommands : buildCommands
  return scriptLines(step.run ?? '').flatMap((line, index) =>
    commands.some((pattern) => pattern.test(line))
      ? [
          withImage(
            index,
            flag(compactExpressions(line), ['-t', '--tag', '--destination']) ?? packImage(line),
          ),
        ]
      : [],
  )
}

function withImage(index: number, image: string | undefined): { index: number; image?: string } {
  return image === undefined ? { index } : { index, image: compactExpressions(image) }
}

/** The first entry of a `tags:` input (one per line or comma separated). */
function firstTag(tags: string | undefined): string | undefined {
  return tags
    ?.split(/[\n,]/)
    .map((t) => t.trim())
    .find((t) => t !== '')
}

function packImage(line: string): string | undefined {
  return /\bpack\s+build\s+([^\s-]\S*)/.exec(line)?.[1]
}

/** `${{ github.sha }}` → `${{github.sha}}`, so an expression stays one word of a command. */
function compactExpressions(text: string): string {
  return text.replace(/\$\{\{(.*?)\}\}/g, (_, e: string) => `\${{${e.replace(/\s+/g, '')}}}`)
}

/** The image a command names: the last word that looks like an image reference (has `/`, `:` or `$`). */
function imageWord(line: string): string | undefined {
  const command = compactExpressions(line).split(/&&|\|\||;|\|/)[0] ?? ''
  return command
    .trim()
    .split(/\s+/)
    .slice(1)
    .map((w) => w.replace(/^["']|["']$/g, ''))
    .filter((w) => w !== '' && !w.startsWith('-') && !w.includes('=') && /[/:$]/.test(w))
    .at(-1)
}

/** `ghcr.io/acme/api:1.2` and `"${IMAGE}"` as a repository without tag or digest: `ghcr.io/acme/api`, `$IMAGE`. */
function repositoryOf(image: string): string {
  const plain = compactExpressions(image)
    .trim()
    .replace(/^["']|["']$/g, '')
    .replace(/^(?:docker|docker-daemon|registry):(?:\/\/)?/, '')
    .replace(/\$\{(\w+)\}/g, '$$$1')
    .replace(/@sha256:[0-9a-f]+$/i, '')
  const slash = plain.lastIndexOf('/')
  const colon = plain.lastIndexOf(':')
  return colon > slash ? plain.slice(0, colon) : plain
}

/** Whether two commands name the same image; an image a command does not name may be any. */
function sameImage(a: string | undefined, b: string | undefined): boolean {
  // An image that is only an expression (`${{ steps.meta.outputs.tags }}`) may be any image.
  const opaque = (image: string) => /^\$\{\{[^}]*\}\}$/.test(repositoryOf(image))
  if (a === undefined || b === undefined || opaque(a) || opaque(b)) return true
  return repositoryOf(a) === repositoryOf(b)
}

/** What a build action builds from (context, file, target, build args); undefined for script builds. */
function recipeOf({ step }: LocatedStep): string | undefined {
  const action = actionOf(step)
  if (action === undefined || !buildActions.has(action)) return undefined
  return JSON.stringify(
    ['context', 'file', 'target', 'build-args', 'platforms'].map((k) => step.with[k] ?? ''),
  )
}

/** Every push in a step, with the image it publishes when the step names it. */
function pushesIn(step: WorkflowStep): { index: number; image?: string }[] {
  const first = pushIndex(step)
  if (first === undefined) return []
  if (actionOf(step) !== undefined) return [withImage(0, firstTag(step.with.tags))]
  return scriptLines(step.run ?? '').flatMap((line, index) => {
    if (!linePushes(line, step.env)) return []
    if (/\bko\s+/.test(line)) return [{ index }]
    return [
      withImage(index, flag(compactExpressions(line), ['-t', '--tag']) ?? packImage(line) ?? imageWord(line)),
    ]
  })
}

/** A place in the workflow, in file order: the step's line, then the line within its script. */
interface Position {
  line: number
  index: number
}

function before(a: Position, b: Position): boolean {
  return a.line < b.line || (a.line === b.line && a.index < b.index)
}

interface Scan {
  tool: string
  /** Where the scan is, for messages: a step, or a GitLab include. */
  where: string
  line: number
  /** Undefined when the scan blocks; otherwise why it does not. */
  gap?: string
  located?: LocatedStep
  /** The script line of the step that runs the scan (0 for an action or an include). */
  index: number
  /** Exit codes the scanner fails with, which a GitLab `allow_failure: exit_codes` may swallow. */
  exitCodes: number[]
  /** The image it scans, when the step names it. */
  image?: string
}

function scanOf(
  tool: string,
  located: LocatedStep,
  gap: string | undefined,
  exitCodes: number[] = [],
  index = 0,
  image?: string,
): Scan {
  const scan: Scan = {
    tool,
    where: describeStep(located),
    line: located.step.line,
    located,
    index,
    exitCodes,
  }
  if (gap !== undefined) scan.gap = gap
  const named = image ?? located.step.with['image-ref'] ?? located.step.with.image
  if (named !== undefined && named !== '') scan.image = named
  return scan
}

/** A GitLab job that may fail without failing the pipeline does not block with its scan. */
function gitLabScan(scan: Scan): Scan {
  if (scan.gap !== undefined || scan.located === undefined) return scan
  const allowed = failureAllowed(scan.located.job, scan.exitCodes)
  return allowed === undefined ? scan : { ...scan, gap: allowed }
}

/**
 * A GitHub step or job with `continue-on-error` (`true`, or an expression that may be true) lets a
 * failing scan pass the run, so the scan reports but does not block.
 */
function gitHubScan(scan: Scan): Scan {
  if (scan.gap !== undefined || scan.located === undefined) return scan
  const { step, job } = scan.located
  const setting = step.continueOnError ?? job.continueOnError
  if (setting === undefined || setting === 'false') return scan
  const where = step.continueOnError !== undefined ? 'the step' : `job ${job.id}`
  return {
    ...scan,
    gap: `${where} sets continue-on-error: ${setting}, so a failing scan does not fail the run`,
  }
}

const swallowed = /\|\|\s*(?:true|:|exit\s+0)\b/

/** A flag's value in a command line: `--exit-code 1`, `--exit-code=1`. */
function flag(line: string, names: readonly string[]): string | undefined {
  for (const name of names) {
    const match = new RegExp(`(?:^|\\s)${name}(?:=|\\s+)(\\S+)`).exec(line)
    if (match?.[1] !== undefined) return match[1].replace(/^["']|["']$/g, '')
  }
  return undefined
}

function withExpression(value: string | undefined): boolean {
  return value?.includes('${{') === true
}

/** Image scans a step runs, through an action or a command, with whether each blocks the build. */
function scansOf(located: LocatedStep, minimum: Level): Scan[] {
  const { step } = located
  const input = (name: string): string | undefined => step.with[name]
  const action = actionOf(step)
  const scans: Scan[] = []

  if (action === 'aquasecurity/trivy-action') {
    const scanType = input('scan-type') ?? 'image'
    const scanners = input('scanners') ?? 'vuln,secret'
    if (scanType === 'image' && scanners.includes('vuln')) {
      // trivy-action's defaults: exit-code 0 (report only), every severity.
      const exitCode = input('exit-code') ?? '0'
      const severity = input('severity') ?? 'UNKNOWN,LOW,MEDIUM,HIGH,CRITICAL'
      const gap =
        exitCode === '0' || withExpression(exitCode)
          ? `exit-code is ${input('exit-code') === undefined ? '0 (the default)' : exitCode}, so it reports without failing the build`
          : listGap(severity, minimum, 'severity')
      scans.push(scanOf('trivy-action', located, gap))
    }
  }

  if (action === 'anchore/scan-action' && !(input('path') !== undefined && input('image') === undefined)) {
    // anchore/scan-action's defaults: fail-build true, severity-cutoff medium.
    const failBuild = input('fail-build') ?? 'true'
    const cutoff = input('severity-cutoff') ?? 'medium'
    const gap =
      failBuild === 'false'
        ? 'fail-build is false, so it reports without failing the build'
        : thresholdCovers(cutoff, minimum)
          ? undefined
          : `severity-cutoff ${cutoff} lets ${minimum.toUpperCase()} findings through`
    scans.push(scanOf('anchore/scan-action', located, gap))
  }

  if (action === 'docker/scout-action' && (input('command') ?? '').includes('cves')) {
    const severities = input('only-severities')
    const gap =
      input('exit-code') !== 'true'
        ? 'exit-code is not true, so it reports without failing the build'
        : severities === undefined
          ? undefined
          : listGap(severities, minimum, 'only-severities')
    scans.push(scanOf('docker/scout-action', located, gap))
  }

  if (action === 'snyk/actions/docker') {
    const command = input('command') ?? 'test'
    const threshold = flag(input('args') ?? '', ['--severity-threshold'])
    const gap =
      command !== 'test'
        ? `command ${command} does not fail the build`
        : threshold === undefined || thresholdCovers(threshold, minimum)
          ? undefined
          : `--severity-threshold=${threshold} lets ${minimum.toUpperCase()} findings through`
    scans.push(scanOf('snyk/actions/docker', located, gap))
  }

  for (const [index, line] of scriptLines(step.run ?? '').entries()) {
    const ignored = swallowed.test(line) ? 'its exit status is discarded (`|| true`)' : undefined
    if (/\btrivy\b(?:\s+-\S+(?:\s+[^-\s]\S*)?)*\s+(?:image|i)\b/.test(line)) {
      const exitCode = flag(line, ['--exit-code']) ?? step.env.TRIVY_EXIT_CODE ?? '0'
      const severity =
        flag(line, ['--severity', '-s']) ?? step.env.TRIVY_SEVERITY ?? 'UNKNOWN,LOW,MEDIUM,HIGH,CRITICAL'
      const gap =
        ignored ??
        (exitCode === '0' || withExpression(exitCode)
          ? 'it runs without --exit-code 1, so it reports without failing the build'
          : listGap(severity, minimum, '--severity'))
      scans.push(
        scanOf('trivy image', located, gap, [Number.parseInt(exitCode, 10) || 1], index, imageWord(line)),
      )
    }
    if (
      /\bgrype\b/.test(line) &&
      !/\bgrype\s+(?:dir|file):/.test(line) &&
      !/\bgrype\s+(?:db|version)\b/.test(line)
    ) {
      const failOn = flag(line, ['--fail-on', '-f']) ?? step.env.GRYPE_FAIL_ON_SEVERITY
      const gap =
        ignored ??
        (failOn === undefined
          ? 'it runs without --fail-on, so it reports without failing the build'
          : thresholdCovers(failOn, minimum)
            ? undefined
            : `--fail-on ${failOn} lets ${minimum.toUpperCase()} findings through`)
      // grype exits 2 on --fail-on in recent releases, 1 in older ones.
      scans.push(scanOf('grype', located, gap, [1, 2], index, imageWord(line)))
    }
    if (/\bdocker[\s-]+scout\s+cves\b/.test(line)) {
      const severities = flag(line, ['--only-severity'])
      const gap =
        ignored ??
        (!/--exit-code\b/.test(line) && !/(?:^|\s)-e(?:\s|$)/.test(line)
          ? 'it runs without --exit-code, so it reports without failing the build'
          : severities === undefined
            ? undefined
            : listGap(severities, minimum, '--only-severity'))
      scans.push(scanOf('docker scout cves', located, gap, [2], index, imageWord(line)))
    }
    if (/\bsnyk\s+container\s+test\b/.test(line)) {
      // snyk exits non-zero on any finding unless a threshold says otherwise.
      const threshold = flag(line, ['--severity-threshold'])
      const gap =
        ignored ??
        (threshold === undefined || thresholdCovers(threshold, minimum)
          ? undefined
          : `--severity-threshold=${threshold} lets ${minimum.toUpperCase()} findings through`)
      scans.push(scanOf('snyk container test', located, gap, [1], index, imageWord(line)))
    }
  }
  return scans
}

/**
 * GitLab's Container-Scanning template runs a scanner but only reports: findings go to the vulnerability
 * report and the merge request widget, and the job passes whatever it finds. It is a scan, not a gate.
 */
function containerScanningTemplates(includes: NonNullable<CiWorkflow['includes']>): Scan[] {
  return includes.filter(isContainerScanningInclude).map((include) => ({
    tool: 'GitLab Container Scanning',
    where: describeInclude(include),
    line: include.line,
    index: 0,
    exitCodes: [],
    gap:
      'it reports findings to the vulnerability report and merge request widget but never fails the pipeline ' +
      '(only a merge request approval policy, set outside this file, can block on them)',
  }))
}

export default defineCheck({
  id: 'ci/image-scan-blocks-high-vulnerabilities',
  title: 'Pipelines that build container images block images with high or critical vulnerabilities',
  description:
    'A vulnerability scan of every image before it ships is the cloud-native analogue of antivirus and patch ' +
    'management: it inspects the software about to run for known-bad components. It is a control only if it ' +
    'stops the release; a scan that only prints a report lets vulnerable images through unnoticed. The check ' +
    'looks for a scanner (Trivy, Grype, Docker Scout, Snyk) in the same workflow or GitLab pipeline as the image ' +
    'build, configured to fail the job on HIGH or CRITICAL findings; in GitLab the job must not allow failure, ' +
    "and GitLab's Container-Scanning template counts as a scan but not as a gate, since it never fails the pipeline. " +
    'When the workflow pushes the image (build-push-action with `push`, `docker push`, `buildx --push`, crane, ' +
    'skopeo, ko, buildah or podman), the scan must run, in file order, after the build and before the first ' +
    'push: a scan of an image already in the registry stops nothing.',
  remediation:
    'Add a scan step after the build and before any push that fails the job, e.g. `aquasecurity/trivy-action` with ' +
    '`exit-code: "1"` and `severity: HIGH,CRITICAL` (add `ignore-unfixed: true` to skip findings without a fix), ' +
    'or `anchore/scan-action` with `severity-cutoff: high`. In GitLab, add a job after the build running ' +
    '`trivy image --exit-code 1 --severity HIGH,CRITICAL "$IMAGE"` without `allow_failure`. Where one step ' +
    'builds and pushes (`docker/build-push-action` with `push: true`, `docker buildx build --push`), split it: ' +
    'build with `load: true` (or `push: false`), scan, then push. Record accepted ' +
    'exceptions in a `.trivyignore` reviewed like code rather than by disabling the gate.',
  severity: 'high',
  reads: ['ci.workflow'],
  params: z.object({
    /** The lowest severity the scan must fail the build on. */
    minimumSeverity: z.enum(levels).default('high'),
  }),
  evaluate({ evidence, params, result }) {
    return evidence['ci.workflow'].flatMap((workflow) => {
      const steps = stepsOf(workflow)
      const gitLab = isGitLabPipeline(workflow)
      const at = (located: LocatedStep, found: { index: number; image?: string }) => ({
        located,
        position: { line: located.step.line, index: found.index },
        image: found.image,
      })
      const builds = steps.flatMap((located) => buildsIn(located.step, gitLab).map((b) => at(located, b)))
      // build-push-action run twice with the same recipe in one job (load and scan, then push from
      // the build cache) publishes what the first build made: judge the second as the first.
      const twinOf = (build: (typeof builds)[number]) =>
        builds.find((earlier) => {
          const key = recipeOf(earlier.located)
          return (
            key !== undefined &&
            before(earlier.position, build.position) &&
            earlier.located.job === build.located.job &&
            key === recipeOf(build.located)
          )
        }) ?? build
      if (builds.length === 0)
        return [result.notApplicable(workflow, 'the workflow builds no container image')]
      const pushes = steps.flatMap((located) => pushesIn(located.step).map((p) => at(located, p)))
      const stepScans = steps.flatMap((located) => scansOf(located, params.minimumSeverity))
      const scans = gitLab
        ? [...stepScans.map(gitLabScan), ...containerScanningTemplates(workflow.includes ?? [])]
        : stepScans.map(gitHubScan)
      const covered = blockedLevels(params.minimumSeverity).join(' or ')
      // Every build is judged on its own (its job and image are the subject): a file that builds two
      // images and scans one ships the other unscanned.
      return builds.map((build) => {
        const subject = {
          resourceKind: workflow.resourceKind,
          name: `${workflow.name} ${build.located.job.id}: ${build.image ?? `image built at line ${build.located.step.line}`}`,
          file: workflow.file,
        }
        const built = describeStep(build.located)
        const twin = twinOf(build)
        const ours = (image: string | undefined) =>
          sameImage(image, build.image) || sameImage(image, twin.image)
        const blocking = scans.filter((scan) => scan.gap === undefined && ours(scan.image))
        const mine = scans.filter((scan) => ours(scan.image))
        const push = pushes.find(
          (p) => !before(p.position, build.position) && sameImage(p.image, build.image),
        )
        if (push !== undefined) {
          // A scan stops an image only between its build and its first push; after that it is published.
          const pushed = describeStep(push.located)
          const gate = blocking.find((scan) => {
            const where = { line: scan.line, index: scan.index }
            return before(twin.position, where) && before(where, push.position)
          })
          if (gate !== undefined) {
            return result.pass(
              subject,
              `the image built at ${built} is scanned by ${gate.tool} at ${gate.where}, which fails the build on ${covered} vulnerabilities before ${pushed} pushes it`,
              { line: gate.line },
            )
          }
          if (blocking.length > 0) {
            const sameStep = push.located === build.located
            const late = blocking.filter(
              (scan) => !before({ line: scan.line, index: scan.index }, push.position),
            )
            const named = (late.length > 0 ? late : blocking)
              .map((scan) => `${scan.tool} at ${scan.where}`)
              .join(', ')
            return result.fail(
              subject,
              `the image is published before the scan can stop it: ${pushed} ${
                sameStep ? 'builds and pushes it in one step' : `pushes the image built at ${built}`
              }, and ${named} runs only ${late.length > 0 ? 'after that push' : 'before the build'}, so a failing scan blocks nothing already in the registry; ${
                gitLab
                  ? 'build, scan the local image, then push (or push only a staging tag that a job after the scan promotes)'
                  : 'build with load: true (or push: false), scan, then push'
              }`,
              { line: push.located.step.line },
            )
          }
        } else {
          const gate = blocking[0]
          if (gate !== undefined) {
            return result.pass(
              subject,
              `the image built at ${built} is scanned by ${gate.tool} at ${gate.where}, which fails the build on ${covered} vulnerabilities`,
              { line: gate.line },
            )
          }
        }
        const gaps = mine.map(
          (scan) => `${scan.tool} at ${scan.where}: ${scan.gap ?? 'it scans after the push'}`,
        )
        return result.fail(
          subject,
          gaps.length === 0
            ? `builds a container image at ${built} but no step scans it for vulnerabilities`
            : `builds a container image at ${built} but no scan fails the build on ${covered} vulnerabilities: ${gaps.join('; ')}`,
          { line: build.located.step.line },
        )
      })
    })
  },
})
