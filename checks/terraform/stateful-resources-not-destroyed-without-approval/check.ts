import { z } from 'zod'
import { defineCheck } from '../../../src/core/check.js'
import type { IacChange } from '../../../src/core/evidence-iac.js'
import { dataStoreTypes } from '../shared/data-stores.js'

/** Whether an address matches an approved pattern (`*` matches within one address). */
function matches(address: string, pattern: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`)
  return re.test(address)
}

function approvalOf(
  change: IacChange,
  tagKeys: readonly string[],
  addresses: readonly string[],
): string | undefined {
  for (const key of tagKeys) {
    const value = change.tagsBefore?.[key] ?? change.tagsAfter?.[key]
    if (value !== undefined && value.trim() !== '') return `${key}=${value}`
  }
  const pattern = addresses.find((p) => matches(change.name, p))
  return pattern === undefined ? undefined : `approved address ${pattern}`
}

export default defineCheck({
  id: 'terraform/stateful-resources-not-destroyed-without-approval',
  title: 'Plans destroy or replace no data store without a recorded approval',
  description:
    'A Terraform plan that deletes or replaces a database, bucket, key or other data store destroys ' +
    'the data in it (a replace deletes first unless create_before_destroy is set). Such a change needs ' +
    'an explicit, recorded approval beyond the usual review: a change ticket in a tag on the resource ' +
    '(param `approvalTagKeys`) or its address in the list of approved destructive changes ' +
    '(param `approvedAddresses`). Creates, in-place updates and other resource types are not judged.',
  remediation:
    'If the destroy is unintended, change the code so the resource is updated in place (check ' +
    '`replace_paths` in the plan) or add `lifecycle { prevent_destroy = true }`. If it is intended, ' +
    'record the approval: tag the resource with the change ticket (`change-approved = "CHG-1234"`) in an ' +
    'earlier apply, or add its address to `approvedAddresses` for this run.',
  severity: 'high',
  reads: ['iac.change'],
  params: z.object({
    statefulTypes: z.array(z.string()).default([...dataStoreTypes]),
    approvalTagKeys: z.array(z.string()).default(['change-approved', 'change-ticket']),
    approvedAddresses: z.array(z.string()).default([]),
  }),
  evaluate({ evidence, params, result }) {
    return evidence['iac.change']
      .filter((change) => params.statefulTypes.includes(change.resourceKind))
      .map((change) => {
        const destroys = change.actions.includes('delete')
        if (!destroys)
          return result.pass(change, `${change.actions.join(', ') || 'no change'}: the data store is kept`)
        const what = change.actions.includes('create')
          ? `replaced${change.replacePaths ? ` (forced by ${change.replacePaths.join(', ')})` : ''}`
          : 'destroyed'
        const approval = approvalOf(change, params.approvalTagKeys, params.approvedAddresses)
        return approval === undefined
          ? result.fail(change, `${what} without a recorded approval`)
          : result.pass(change, `${what}, approved: ${approval}`)
      })
  },
})
