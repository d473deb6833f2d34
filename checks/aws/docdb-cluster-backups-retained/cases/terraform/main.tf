resource "aws_docdb_cluster" "good" {
  cluster_identifier      = "docs"
  backup_retention_period = 7
}

resource "aws_docdb_cluster" "bad" {
  cluster_identifier = "docs-test"
}
