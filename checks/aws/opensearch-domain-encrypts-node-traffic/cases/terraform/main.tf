resource "aws_opensearch_domain" "good" {
  domain_name = "search"
  node_to_node_encryption {
    enabled = true
  }
}

resource "aws_opensearch_domain" "bad" {
  domain_name = "search"
}
