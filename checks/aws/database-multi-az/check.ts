import { defineCheck } from '../../../src/core/check.js'
import { whyUnknown } from '../shared/known.js'

export default defineCheck({
  id: 'aws/database-multi-az',
  title: 'Production databases keep a standby in another availability zone',
  description:
    'A Multi-AZ deployment keeps a synchronous standby in a second availability zone and fails over ' +
    'to it automatically, so the loss of one data centre or a host does not stop the service. Aurora ' +
    'instances are judged by their cluster (replicas in other zones), which this test does not see.',
  remediation:
    'Enable Multi-AZ (`aws rds modify-db-instance --db-instance-identifier <id> --multi-az`; in ' +
    'Terraform `multi_az = true`). For Aurora, add a replica in another availability zone.',
  severity: 'medium',
  reads: ['aws.db-instance'],
  evaluate({ evidence, result }) {
    return evidence['aws.db-instance'].map((db) => {
      if (db.clusterIdentifier !== undefined)
        return result.notApplicable(
          db,
          `member of cluster ${db.clusterIdentifier}: availability is the cluster's`,
        )
      if (db.multiAz === undefined)
        return result.undetermined(db, whyUnknown(db, 'multiAz', 'whether the database is Multi-AZ'))
      return db.multiAz
        ? result.pass(db, 'Multi-AZ: a standby runs in another availability zone')
        : result.fail(db, 'single availability zone: no standby to fail over to')
    })
  },
})
