import { z } from 'zod'
import { defineCheck } from '../../../src/core/check.js'
import { describeReport, reportsCovering, sameImage, sameTarget } from '../shared/reports.js'

export default defineCheck({
  id: 'scan/images-have-sbom',
  title: 'Every shipped image has a software bill of materials',
  description:
    'A software bill of materials lists every package inside an image. When a new vulnerability is published, ' +
    'it answers "are we affected, and where" in minutes instead of a rebuild-and-rescan of everything. The ' +
    'check takes the images named in its parameters, or else every image a scanner report covers, and looks ' +
    'for a CycloneDX SBOM of the same image repository that lists components.',
  remediation:
    'Generate an SBOM for each image in the build pipeline (for example `syft <image> -o cyclonedx-json > ' +
    'sbom.cdx.json` or `trivy image --format cyclonedx`), keep it with the release, and point a `scan-report` ' +
    'source at it.',
  severity: 'medium',
  reads: ['scan.report'],
  params: z.object({
    /** The images that must have an SBOM; empty means every image a scanner report covers. */
    targets: z.array(z.string().min(1)).default([]),
  }),
  evaluate({ evidence, params, result }) {
    const reports = evidence['scan.report']
    const sboms = reportsCovering(reports, 'sbom').filter((r) => r.counts.components > 0)
    const images =
      params.targets.length > 0
        ? params.targets
        : [
            ...new Set(
              reports
                .filter((r) => r.targetType === 'image' && !r.covers.includes('sbom'))
                .map((r) => r.target),
            ),
          ]
    return images.map((image) => {
      const subject = { resourceKind: 'Image', name: image, file: '' }
      const sbom = sboms.find((r) => sameTarget(image, r.target) || sameImage(image, r.target))
      return sbom === undefined
        ? result.fail(subject, `no SBOM with components was imported for ${image}`)
        : result.pass(
            subject,
            `SBOM of ${sbom.target} lists ${sbom.counts.components} components (${describeReport(sbom)})`,
          )
    })
  },
})
