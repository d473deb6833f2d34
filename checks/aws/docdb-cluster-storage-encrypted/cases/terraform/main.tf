resource "aws_docdb_cluster" "good" {
  cluster_identifier = "docs"
  storage_encrypted  = true
}

resource "aws_docdb_cluster" "bad" {
  cluster_identifier = "docs-test"
}
