resource "aws_rds_cluster_instance" "good" {
  identifier         = "orders-1"
  cluster_identifier = "orders"
  instance_class     = "db.r6g.large"
  engine             = "aurora-postgresql"
}

resource "aws_rds_cluster_instance" "bad" {
  identifier          = "orders-2"
  cluster_identifier  = "orders"
  instance_class      = "db.r6g.large"
  engine              = "aurora-postgresql"
  publicly_accessible = true
}
