import { z } from 'zod'
import { defineCheck } from '../../../src/core/check.js'
import { imagePinning } from '../../../src/core/image-pinning.js'
import { describeInclude, isGitLabPipeline, unreadIncludes } from '../shared/gitlab.js'

/** One image a pipeline runs: a job's container or service, or a `docker://` step. */
interface JobImage {
  image: string
  where: string
  line: number
}

function imagesOf(workflow: {
  jobs: readonly {
    id: string
    images?: readonly { image: string; role: string; line: number }[] | undefined
    steps: readonly { uses?: string | undefined; line: number }[]
  }[]
}): JobImage[] {
  return workflow.jobs.flatMap((job) => [
    ...(job.images ?? []).map((i) => ({ image: i.image, where: `job ${job.id} ${i.role}`, line: i.line })),
    ...job.steps.flatMap((step) =>
      step.uses?.startsWith('docker://') === true
        ? [{ image: step.uses.slice('docker://'.length), where: `job ${job.id} step`, line: step.line }]
        : [],
    ),
  ])
}

export default defineCheck({
  id: 'ci/job-images-pinned',
  title: 'Pipeline jobs run images pinned by digest or a fixed version tag',
  description:
    'A deploy job that runs `kubectl:latest` holds the credentials of production: whatever was pushed ' +
    'under that tag last runs with them, unreviewed, and two runs of the same pipeline can run different ' +
    'code. The same holds for the container a job runs in, its service containers and `docker://` steps ' +
    '(GitHub `container:`, `services:`, `uses: docker://…`; GitLab `image:`, `services:`). Change control ' +
    'applied to the build pipeline means naming fixed content. A GitLab pipeline that includes configuration ' +
    'trustctl did not read (another project, a template, a URL) is undetermined: its jobs run images unseen.',
  remediation:
    'Name each job image by digest (`bitnami/kubectl:1.31.2@sha256:…`), or at least by a full release tag ' +
    'in a registry with immutable tags; Renovate and Dependabot keep digests current.',
  severity: 'medium',
  reads: ['ci.workflow'],
  params: z.object({
    /** Demand a digest: a version tag then fails too. */
    requireDigest: z.boolean().default(false),
  }),
  evaluate({ evidence, params, result }) {
    return evidence['ci.workflow'].flatMap((workflow) => {
      const images = imagesOf(workflow)
      // GitLab jobs defined in, or extending, configuration that was not read run images unseen.
      const notRead = isGitLabPipeline(workflow) ? unreadIncludes(workflow, evidence['ci.workflow']) : []
      const unseen =
        notRead.length === 0
          ? undefined
          : `the pipeline includes configuration that was not read, whose jobs, and the images its own jobs inherit through extends, are unknown: ${notRead.map(describeInclude).join('; ')}`
      if (images.length === 0)
        return [
          unseen === undefined
            ? result.notApplicable(workflow, 'no job runs in a container image it names')
            : result.undetermined(workflow, `no job read names a container image, but ${unseen}`),
        ]
      const judged = images.map((i) => ({ i, p: imagePinning(i.image, params.requireDigest) }))
      const moving = judged.flatMap(({ i, p }) => (p.status === 'moving' ? [{ i, why: p.why }] : []))
      const first = moving[0]
      if (first !== undefined)
        return [
          result.fail(
            workflow,
            `${moving.length} of ${images.length} job images are not pinned: ${moving
              .map((m) => `${m.why} (${m.i.where}, line ${m.i.line})`)
              .join('; ')}`,
            { line: first.i.line },
          ),
        ]
      const unknown = judged.flatMap(({ i, p }) => (p.status === 'unknown' ? [`${p.why} (${i.where})`] : []))
      if (unseen !== undefined) unknown.push(unseen)
      if (unknown.length > 0)
        return [
          result.undetermined(workflow, `cannot tell whether every image is pinned: ${unknown.join('; ')}`),
        ]
      return [
        result.pass(workflow, `all ${images.length} job images are pinned by digest or a full version tag`),
      ]
    })
  },
})
