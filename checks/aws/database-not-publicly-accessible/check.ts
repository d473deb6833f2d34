import { defineCheck } from '../../../src/core/check.js'
import { whyUnknown } from '../shared/known.js'

export default defineCheck({
  id: 'aws/database-not-publicly-accessible',
  title: 'Databases are not reachable from the internet',
  description:
    'A publicly accessible RDS instance gets a public address: only its security group stands between ' +
    'the database and every password-guessing bot. Databases stay in private subnets, reached by the ' +
    'applications inside the VPC.',
  remediation:
    'Turn off public access (`aws rds modify-db-instance --db-instance-identifier <id> ' +
    '--no-publicly-accessible --apply-immediately`; in Terraform `publicly_accessible = false`) and ' +
    'reach the database through a bastion, SSM port forwarding or a VPN.',
  severity: 'critical',
  reads: ['aws.db-instance'],
  evaluate({ evidence, result }) {
    return evidence['aws.db-instance'].map((db) => {
      if (db.publiclyAccessible === undefined)
        return result.undetermined(db, whyUnknown(db, 'publiclyAccessible', 'whether the database is public'))
      return db.publiclyAccessible
        ? result.fail(db, 'publicly accessible: it has an address reachable from the internet')
        : result.pass(db, 'not publicly accessible')
    })
  },
})
