import { defineCheck } from '../../../src/core/check.js'
import { whyUnknown } from '../shared/known.js'

export default defineCheck({
  id: 'aws/guardduty-enabled-in-every-region',
  title: 'Threat detection (GuardDuty) is on in every region read',
  description:
    'GuardDuty watches CloudTrail, DNS and network flows for signs of compromise: credential misuse, ' +
    'crypto-mining, calls from known-bad addresses. It works per region, and a region without it is ' +
    'where an intruder goes unnoticed. Each region whose state was collected is judged.',
  remediation:
    'Enable GuardDuty in every region (`aws guardduty create-detector --enable --region <region>`, or ' +
    'organization-wide from a delegated administrator account with auto-enable); in Terraform an ' +
    '`aws_guardduty_detector` with `enable = true` per region provider.',
  severity: 'high',
  reads: ['aws.guardduty-detector'],
  evaluate({ evidence, result }) {
    return evidence['aws.guardduty-detector'].map((detector) => {
      const where = detector.region ?? detector.name
      if (detector.status === undefined)
        return result.undetermined(
          detector,
          whyUnknown(detector, 'status', `the detector status in ${where}`),
        )
      if (detector.status === 'ABSENT') return result.fail(detector, `no detector in ${where}`)
      return detector.status === 'ENABLED'
        ? result.pass(
            detector,
            `detector ${detector.detectorId ?? ''} enabled in ${where}`.replace('  ', ' '),
          )
        : result.fail(
            detector,
            `detector ${detector.detectorId ?? ''} disabled in ${where}`.replace('  ', ' '),
          )
    })
  },
})
