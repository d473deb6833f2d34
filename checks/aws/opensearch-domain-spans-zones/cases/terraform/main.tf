resource "aws_opensearch_domain" "good" {
  domain_name = "search"
  cluster_config {
    instance_count         = 3
    zone_awareness_enabled = true
  }
}

resource "aws_opensearch_domain" "bad" {
  domain_name = "search"
  cluster_config {
    instance_count = 1
  }
}
