resource "aws_rds_cluster" "orders" {
  cluster_identifier = "orders"
  engine             = "aurora-postgresql"
  storage_encrypted  = true
}

resource "aws_rds_cluster" "legacy" {
  cluster_identifier = "legacy"
  engine             = "aurora-mysql"
}
