resource "aws_rds_cluster" "good" {
  cluster_identifier = "orders"
  engine             = "aurora-postgresql"
  master_username    = "orders_owner"
}

resource "aws_rds_cluster" "bad" {
  cluster_identifier = "scratch"
  engine             = "aurora-mysql"
  master_username    = "admin"
}
