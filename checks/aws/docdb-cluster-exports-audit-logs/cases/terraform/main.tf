resource "aws_docdb_cluster" "good" {
  cluster_identifier              = "docs"
  enabled_cloudwatch_logs_exports = ["audit", "profiler"]
}

resource "aws_docdb_cluster" "bad" {
  cluster_identifier              = "docs-test"
  enabled_cloudwatch_logs_exports = ["profiler"]
}
