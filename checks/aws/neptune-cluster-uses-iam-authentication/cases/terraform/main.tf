resource "aws_neptune_cluster" "good" {
  cluster_identifier                  = "graph"
  iam_database_authentication_enabled = true
}

resource "aws_neptune_cluster" "bad" {
  cluster_identifier = "graph-test"
}
