resource "aws_dax_cluster" "good" {
  cluster_name                     = "orders-cache"
  iam_role_arn                     = "arn:aws:iam::111122223333:role/dax"
  node_type                        = "dax.r5.large"
  replication_factor               = 3
  cluster_endpoint_encryption_type = "TLS"
}

resource "aws_dax_cluster" "bad" {
  cluster_name       = "test-cache"
  iam_role_arn       = "arn:aws:iam::111122223333:role/dax"
  node_type          = "dax.t3.small"
  replication_factor = 1
}
