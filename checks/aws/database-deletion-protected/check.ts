import { defineCheck } from '../../../src/core/check.js'
import { whyUnknown } from '../shared/known.js'

export default defineCheck({
  id: 'aws/database-deletion-protected',
  title: 'Databases are protected from deletion',
  description:
    'Deletion protection makes deleting a database a two-step decision: a mistaken command, script or ' +
    'Terraform destroy fails instead of removing the data and, by default, its automated backups.',
  remediation:
    'Enable it (`aws rds modify-db-instance --db-instance-identifier <id> --deletion-protection`; in ' +
    'Terraform `deletion_protection = true`).',
  severity: 'medium',
  reads: ['aws.db-instance'],
  evaluate({ evidence, result }) {
    return evidence['aws.db-instance'].map((db) => {
      if (db.deletionProtection === undefined)
        return result.undetermined(
          db,
          whyUnknown(db, 'deletionProtection', 'whether deletion protection is on'),
        )
      return db.deletionProtection
        ? result.pass(db, 'deletion protection is on')
        : result.fail(db, 'deletion protection is off')
    })
  },
})
