resource "aws_neptune_cluster" "good" {
  cluster_identifier  = "graph"
  deletion_protection = true
}

resource "aws_neptune_cluster" "bad" {
  cluster_identifier = "graph-test"
}
