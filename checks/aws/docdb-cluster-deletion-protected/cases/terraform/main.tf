resource "aws_docdb_cluster" "good" {
  cluster_identifier  = "docs"
  deletion_protection = true
}

resource "aws_docdb_cluster" "bad" {
  cluster_identifier = "docs-test"
}
