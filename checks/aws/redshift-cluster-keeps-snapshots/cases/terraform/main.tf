resource "aws_redshift_cluster" "good" {
  cluster_identifier = "warehouse"
  node_type          = "ra3.xlplus"
  master_username    = "wh_owner"
  automated_snapshot_retention_period = 7
}

resource "aws_redshift_cluster" "bad" {
  cluster_identifier = "warehouse"
  node_type          = "ra3.xlplus"
  master_username    = "wh_owner"
}
