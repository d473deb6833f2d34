resource "aws_opensearch_domain" "good" {
  domain_name = "search"
}

resource "aws_opensearch_domain" "bad" {
  domain_name = "search"
  domain_endpoint_options {
    enforce_https = false
  }
}
