import { z } from 'zod'
import { defineCheck } from '../../../src/core/check.js'
import { describeInclude, includePin, isGitLabPipeline } from '../shared/gitlab.js'
import { parseUses } from '../shared/workflow.js'

const commitSha = /^[0-9a-f]{40}$/i

interface Use {
  uses: string
  line: number
  where: string
}

/** Local actions and trusted owners are exempt; everything else must name immutable content. */
function pinState(uses: string, trusted: ReadonlySet<string>): 'exempt' | 'pinned' | 'unpinned' {
  const reference = parseUses(uses)
  switch (reference.kind) {
    case 'local':
      return 'exempt'
    case 'docker':
      return reference.pinned ? 'pinned' : 'unpinned'
    case 'remote':
      if (trusted.has(reference.owner)) return 'exempt'
      return reference.ref !== undefined && commitSha.test(reference.ref) ? 'pinned' : 'unpinned'
  }
}

export default defineCheck({
  id: 'ci/third-party-actions-pinned-by-sha',
  title: 'Third-party GitHub Actions are pinned to a commit SHA',
  description:
    'A workflow runs third-party actions with its token and secrets. A tag such as `@v4` is a pointer the ' +
    'action owner, or anyone who takes over their account, can move to new code, as happened with ' +
    'tj-actions/changed-files in 2025. Pinning a full commit SHA makes the workflow run exactly the code that ' +
    'was reviewed: the approved software list and change control, applied to the build pipeline. In GitLab the ' +
    'same holds for `include:` of another project, a CI/CD component or a remote URL: their jobs run with the ' +
    "pipeline's variables and job token.",
  remediation:
    'Replace each tag or branch with the full 40-character commit SHA it points to and keep the tag as a ' +
    'comment, e.g. `uses: aquasecurity/trivy-action@<sha> # v0.28.0`; `pinact run` or ' +
    '`npx pin-github-action` do this for a whole repository, and Dependabot keeps SHA pins up to date. Add ' +
    'owners you trust as much as GitHub itself (your own organisation) to `trustedOwners`. In GitLab, include ' +
    'projects with `ref: <commit sha>` and components as `…/name@<commit sha>`; vendor a remote file into the ' +
    'repository or add `integrity: sha256-…` (GitLab 17.9+). `trustedOwners` also exempts GitLab top-level groups.',
  severity: 'high',
  reads: ['ci.workflow'],
  params: z.object({
    /** Action owners (and GitLab top-level groups) exempt from pinning: GitHub's own actions by default. */
    trustedOwners: z.array(z.string()).default(['actions', 'github']),
  }),
  evaluate({ evidence, params, result }) {
    const trusted = new Set(params.trustedOwners.map((owner) => owner.toLowerCase()))
    return evidence['ci.workflow'].map((workflow) => {
      if (isGitLabPipeline(workflow)) {
        const pins = (workflow.includes ?? []).map((include) => ({
          include,
          pin: includePin(include, trusted),
        }))
        const external = pins.filter(({ pin }) => pin.state !== 'exempt').length
        const unpinned = pins.flatMap(({ include, pin }) =>
          pin.state === 'unpinned' ? [`${describeInclude(include)}: ${pin.reason}`] : [],
        )
        const firstUnpinned = pins.find(({ pin }) => pin.state === 'unpinned')
        if (firstUnpinned === undefined) {
          return result.pass(
            workflow,
            pins.length === 0
              ? 'includes no configuration from other projects, components or URLs'
              : external === 0
                ? 'includes only local files, GitLab templates and projects of trusted groups'
                : `all ${external} includes from other projects, components or URLs are pinned to a commit SHA or integrity hash`,
          )
        }
        return result.fail(
          workflow,
          `${unpinned.length} of ${external} includes from other projects, components or URLs are not pinned to a commit SHA or integrity hash: ${unpinned.join('; ')}`,
          { line: firstUnpinned.include.line },
        )
      }
      const uses: Use[] = [
        ...workflow.jobs.flatMap((job) =>
          job.uses === undefined ? [] : [{ uses: job.uses, line: job.line, where: `job ${job.id}` }],
        ),
        ...workflow.jobs.flatMap((job) =>
          job.steps.flatMap((step) =>
            step.uses === undefined ? [] : [{ uses: step.uses, line: step.line, where: `job ${job.id}` }],
          ),
        ),
      ].sort((a, b) => a.line - b.line)
      const pinning = uses.map((use) => ({ use, state: pinState(use.uses, trusted) }))
      const thirdParty = pinning.filter((entry) => entry.state !== 'exempt').length
      const unpinned = pinning.filter((entry) => entry.state === 'unpinned').map((entry) => entry.use)
      const first = unpinned[0]
      if (first === undefined) {
        return result.pass(
          workflow,
          thirdParty === 0
            ? 'uses only local actions and actions of trusted owners'
            : `all ${thirdParty} third-party action references are pinned to a commit SHA or image digest`,
        )
      }
      return result.fail(
        workflow,
        `${unpinned.length} of ${thirdParty} third-party action references are not pinned to a commit SHA or image digest: ${unpinned
          .map((use) => `${use.uses} (${use.where}, line ${use.line})`)
          .join(', ')}`,
        { line: first.line },
      )
    })
  },
})
