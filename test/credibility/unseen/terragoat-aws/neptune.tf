# graph database: storage unencrypted, no IAM authentication, no final snapshot
resource "aws_neptune_cluster" "graph" {
  cluster_identifier                  = var.neptune_dbname
  engine                              = "neptune"
  backup_retention_period             = 5
  preferred_backup_window             = "07:00-09:00"
  skip_final_snapshot                 = true
  iam_database_authentication_enabled = false
  apply_immediately                   = true
  storage_encrypted                   = false
}

resource "aws_neptune_cluster_instance" "graph" {
  count              = 1
  cluster_identifier = aws_neptune_cluster.graph.id
  engine             = "neptune"
  instance_class     = "db.t3.medium"
  apply_immediately  = true
}

resource "aws_neptune_cluster_snapshot" "graph" {
  db_cluster_identifier          = aws_neptune_cluster.graph.id
  db_cluster_snapshot_identifier = "graph-snapshot-1"
}
