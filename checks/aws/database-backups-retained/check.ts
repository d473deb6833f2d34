import { z } from 'zod'
import { defineCheck } from '../../../src/core/check.js'
import { whyUnknown } from '../shared/known.js'

export default defineCheck({
  id: 'aws/database-backups-retained',
  title: 'Automated database backups are kept long enough to recover',
  description:
    'Automated backups allow restoring a database to any second within the retention window. A short ' +
    'window means corruption or a bad migration noticed after a few days cannot be undone; 0 days means ' +
    'no automated backups at all.',
  remediation:
    'Raise the retention (`aws rds modify-db-instance --db-instance-identifier <id> ' +
    '--backup-retention-period 14`; in Terraform `backup_retention_period = 14`), and test a restore.',
  severity: 'high',
  reads: ['aws.db-instance'],
  params: z.object({ minDays: z.number().int().min(1).max(35).default(7) }),
  evaluate({ evidence, params, result }) {
    return evidence['aws.db-instance'].map((db) => {
      const days = db.backupRetentionDays
      if (days === undefined)
        return result.undetermined(db, whyUnknown(db, 'backupRetentionDays', 'the backup retention'))
      if (days === 0) return result.fail(db, 'automated backups are off')
      return days >= params.minDays
        ? result.pass(db, `backups kept ${days} days`)
        : result.fail(db, `backups kept ${days} days (needs ${params.minDays})`)
    })
  },
})
