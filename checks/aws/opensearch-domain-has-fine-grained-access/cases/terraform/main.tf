resource "aws_opensearch_domain" "good" {
  domain_name = "search"
  advanced_security_options {
    enabled                        = true
    internal_user_database_enabled = false
  }
}

resource "aws_opensearch_domain" "bad" {
  domain_name = "search"
}
