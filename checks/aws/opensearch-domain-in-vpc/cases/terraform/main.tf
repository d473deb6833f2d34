resource "aws_opensearch_domain" "good" {
  domain_name = "search"
  vpc_options {
    subnet_ids = ["subnet-a"]
  }
}

resource "aws_opensearch_domain" "bad" {
  domain_name = "search"
}
