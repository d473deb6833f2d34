resource "aws_rds_cluster" "good" {
  cluster_identifier    = "orders"
  engine                = "aurora-postgresql"
  copy_tags_to_snapshot = true
}

resource "aws_rds_cluster" "bad" {
  cluster_identifier = "scratch"
  engine             = "aurora-postgresql"
}
