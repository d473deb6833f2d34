resource "aws_rds_cluster" "good" {
  cluster_identifier      = "orders"
  engine                  = "aurora-postgresql"
  backup_retention_period = 14
}

resource "aws_rds_cluster" "bad" {
  cluster_identifier = "scratch"
  engine             = "aurora-mysql"
}
