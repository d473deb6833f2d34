resource "aws_redshift_cluster" "good" {
  cluster_identifier = "warehouse"
  node_type          = "ra3.xlplus"
  master_username    = "wh_owner"
  publicly_accessible = false
}

resource "aws_redshift_cluster" "bad" {
  cluster_identifier = "warehouse"
  node_type          = "ra3.xlplus"
  master_username    = "wh_owner"
  publicly_accessible = true
}

resource "aws_redshift_cluster" "provider_default" {
  cluster_identifier = "adhoc"
  node_type          = "ra3.xlplus"
}
