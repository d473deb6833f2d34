resource "aws_neptune_cluster" "good" {
  cluster_identifier = "graph"
  storage_encrypted  = true
}

resource "aws_neptune_cluster" "bad" {
  cluster_identifier = "graph-test"
}
