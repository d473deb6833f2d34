resource "aws_redshift_cluster" "good" {
  cluster_identifier = "warehouse"
  node_type          = "ra3.xlplus"
  master_username    = "wh_owner"
  encrypted          = true
}

resource "aws_redshift_cluster" "bad" {
  cluster_identifier = "warehouse"
  node_type          = "ra3.xlplus"
  master_username    = "wh_owner"
}
