resource "aws_neptune_cluster" "good" {
  cluster_identifier             = "graph-good"
  engine                         = "neptune"
  storage_encrypted              = true
  enable_cloudwatch_logs_exports = ["audit"]
}

resource "aws_neptune_cluster" "bad" {
  cluster_identifier = "graph-bad"
  engine             = "neptune"
  storage_encrypted  = true
}
