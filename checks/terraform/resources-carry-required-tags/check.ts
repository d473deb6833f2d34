import { z } from 'zod'
import { defineCheck } from '../../../src/core/check.js'
import { dataStoreTypes } from '../shared/data-stores.js'

export default defineCheck({
  id: 'terraform/resources-carry-required-tags',
  title: 'Infrastructure resources carry an owner tag, and data stores a data classification',
  description:
    'Tags are how a cloud inventory says who owns a resource and how sensitive its data is; without ' +
    'them nobody answers for a resource and the handling rules of its data cannot be told. Every ' +
    'resource that takes tags carries the keys of `requiredTags`; data stores (buckets, databases, ' +
    'keys, tables…: `dataStoreTypes`) also carry those of `dataStoreTags`. Provider default tags count.',
  remediation:
    "Add the missing keys in `tags`, or once for every resource in the AWS provider's `default_tags` " +
    '(CloudFormation: stack-level tags or `Tags` on each resource).',
  severity: 'low',
  reads: ['iac.resource'],
  params: z.object({
    requiredTags: z.array(z.string()).default(['owner']),
    dataStoreTags: z.array(z.string()).default(['data-classification']),
    dataStoreTypes: z.array(z.string()).default([...dataStoreTypes]),
    /** Resource types exempt from tagging. */
    exemptTypes: z.array(z.string()).default([]),
  }),
  evaluate({ evidence, params, result }) {
    return evidence['iac.resource']
      .filter((r) => r.taggable && !params.exemptTypes.includes(r.resourceKind))
      .flatMap((r) => {
        const keys = [
          ...params.requiredTags,
          ...(params.dataStoreTypes.includes(r.resourceKind) ? params.dataStoreTags : []),
        ]
        if (keys.length === 0) return []
        const missing = keys.filter((key) => (r.tags[key] ?? '').trim() === '')
        if (missing.length === 0)
          return [result.pass(r, `tagged ${keys.map((k) => `${k}=${r.tags[k]}`).join(', ')}`)]
        if (r.tagsUnknown)
          return [
            result.undetermined(r, `tags ${missing.join(', ')} may be set by values known only after apply`),
          ]
        return [result.fail(r, `missing tags: ${missing.join(', ')}`)]
      })
  },
})
