resource "aws_rds_cluster" "good" {
  cluster_identifier              = "orders"
  engine                          = "aurora-postgresql"
  enabled_cloudwatch_logs_exports = ["postgresql"]
}

resource "aws_rds_cluster" "bad" {
  cluster_identifier = "scratch"
  engine             = "aurora-postgresql"
}
