import { z } from 'zod'
import { defineCheck } from '../../../src/core/check.js'
import { imagePinning } from '../../../src/core/image-pinning.js'

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
    'applied to the build pipeline means naming fixed content.',
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
      if (images.length === 0)
        return [result.notApplicable(workflow, 'no job runs in a container image it names')]
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
