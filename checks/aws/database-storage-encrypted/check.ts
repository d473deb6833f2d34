import { defineCheck } from '../../../src/core/check.js'
import { whyUnknown } from '../shared/known.js'

export default defineCheck({
  id: 'aws/database-storage-encrypted',
  title: 'Database storage is encrypted at rest',
  description:
    'Encryption at rest protects database volumes, snapshots and backups from anyone who obtains the ' +
    'underlying storage or a copied snapshot. On RDS it can only be chosen at creation.',
  remediation:
    'Create an encrypted copy of the latest snapshot (`aws rds copy-db-snapshot --kms-key-id …`), ' +
    'restore it as a new instance and switch over; in Terraform `storage_encrypted = true`. Enable ' +
    'default encryption for new volumes.',
  severity: 'high',
  reads: ['aws.db-instance'],
  evaluate({ evidence, result }) {
    return evidence['aws.db-instance'].map((db) => {
      if (db.storageEncrypted === undefined)
        return result.undetermined(db, whyUnknown(db, 'storageEncrypted', 'whether storage is encrypted'))
      return db.storageEncrypted
        ? result.pass(db, `storage encrypted${db.kmsKeyId ? ` with ${db.kmsKeyId.split('/').at(-1)}` : ''}`)
        : result.fail(db, 'storage is not encrypted')
    })
  },
})
