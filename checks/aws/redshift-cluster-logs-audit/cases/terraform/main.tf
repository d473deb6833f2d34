resource "aws_redshift_cluster" "good" {
  cluster_identifier = "warehouse"
  node_type          = "ra3.xlplus"
  master_username    = "wh_owner"
}

resource "aws_redshift_cluster" "bad" {
  cluster_identifier = "adhoc"
  node_type          = "ra3.xlplus"
  master_username    = "wh_owner"
}

resource "aws_redshift_logging" "good" {
  cluster_identifier   = aws_redshift_cluster.good.id
  log_destination_type = "cloudwatch"
  log_exports          = ["connectionlog", "userlog", "useractivitylog"]
}
