resource "aws_rds_cluster" "good" {
  cluster_identifier                  = "orders"
  engine                              = "aurora-postgresql"
  iam_database_authentication_enabled = true
}

resource "aws_rds_cluster" "bad" {
  cluster_identifier = "scratch"
  engine             = "aurora-postgresql"
}
