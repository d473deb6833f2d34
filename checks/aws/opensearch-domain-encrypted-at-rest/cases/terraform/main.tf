resource "aws_opensearch_domain" "good" {
  domain_name = "search"
  encrypt_at_rest {
    enabled = true
  }
}

resource "aws_opensearch_domain" "bad" {
  domain_name = "search"
}
