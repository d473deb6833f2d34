# Aurora clusters: no automated backups kept, then one day only; storage encryption left out
resource "aws_rds_cluster" "billing" {
  cluster_identifier      = "billing-cluster"
  allocated_storage       = 10
  backup_retention_period = 0
}

resource "aws_rds_cluster" "ledger" {
  cluster_identifier      = "ledger-cluster"
  allocated_storage       = 10
  backup_retention_period = 1
}

resource "aws_rds_cluster" "archive" {
  cluster_identifier      = "archive-cluster"
  allocated_storage       = 10
  backup_retention_period = 15
}
