import { defineCheck } from '../../../src/core/check.js'
import type { WorkflowPermissions } from '../../../src/core/evidence.js'
import { isGitLabPipeline } from '../shared/gitlab.js'

/** The scopes a permissions block grants write on. */
function writeScopes(permissions: WorkflowPermissions): string[] {
  if (permissions === 'write-all') return ['all scopes']
  if (permissions === undefined || permissions === 'read-all') return []
  return Object.entries(permissions)
    .filter(([, access]) => access === 'write')
    .map(([scope]) => scope)
}

export default defineCheck({
  id: 'ci/workflow-permissions-least-privilege',
  title: 'Workflows declare least-privilege GITHUB_TOKEN permissions',
  description:
    'Every workflow run gets a GITHUB_TOKEN. Unless the workflow says otherwise it gets the repository default, ' +
    'which is read-write on all scopes for repositories and organisations created before February 2023 and ' +
    'wherever an admin has kept that setting: any compromised step or dependency can then push code, publish ' +
    'packages or approve pull requests. Declaring permissions in the workflow is least privilege for a ' +
    'service account, kept with the code and reviewed with it.',
  remediation:
    'Add a top-level `permissions:` block granting only what the workflow reads, usually `contents: read`, and ' +
    'grant write scopes only on the jobs that need them (e.g. `packages: write` on the publish job, ' +
    '`id-token: write` for OIDC). Never use `write-all`. Set the organisation default to read-only as well.',
  severity: 'medium',
  reads: ['ci.workflow'],
  evaluate({ evidence, result }) {
    return evidence['ci.workflow'].map((workflow) => {
      if (isGitLabPipeline(workflow)) {
        return result.notApplicable(
          workflow,
          'a GitLab pipeline does not declare its job token permissions: what CI_JOB_TOKEN may reach is set in ' +
            "the project's Settings > CI/CD > Job token permissions, which this check cannot read",
        )
      }
      const writeAllJob = workflow.jobs.find((job) => job.permissions === 'write-all')
      if (workflow.permissions === 'write-all') {
        return result.fail(
          workflow,
          'top-level permissions are write-all: every job gets write access to every scope',
        )
      }
      if (writeAllJob !== undefined) {
        return result.fail(workflow, `job ${writeAllJob.id} sets permissions: write-all`, {
          line: writeAllJob.line,
        })
      }
      const unset =
        workflow.permissions === undefined ? workflow.jobs.filter((job) => job.permissions === undefined) : []
      const firstUnset = unset[0]
      if (firstUnset !== undefined) {
        return result.fail(
          workflow,
          `no top-level permissions, and job${unset.length > 1 ? 's' : ''} ${unset.map((job) => job.id).join(', ')} set${unset.length > 1 ? '' : 's'} none: ${unset.length > 1 ? 'they get' : 'it gets'} the repository's default token permissions, which may be read-write`,
          { line: firstUnset.line },
        )
      }
      // Write scopes granted at the top apply to every job, including those that only test or lint:
      // least privilege grants them on the job that needs them.
      const topLevelWrites = writeScopes(workflow.permissions)
      if (topLevelWrites.length > 0 && workflow.jobs.length > 1) {
        return result.fail(
          workflow,
          `top-level permissions grant write on ${topLevelWrites.join(', ')} to all ${workflow.jobs.length} jobs; grant write scopes on the jobs that need them`,
        )
      }
      const writes = [
        ...writeScopes(workflow.permissions).map((scope) => `${scope} (workflow)`),
        ...workflow.jobs.flatMap((job) =>
          writeScopes(job.permissions).map((scope) => `${scope} (job ${job.id})`),
        ),
      ]
      const declared =
        workflow.permissions === undefined
          ? 'every job declares its own permissions'
          : 'top-level permissions are declared'
      return result.pass(
        workflow,
        writes.length === 0
          ? `${declared}, with no write scopes`
          : `${declared}; write scopes: ${writes.join(', ')}`,
      )
    })
  },
})
