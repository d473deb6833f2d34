# old engine, no encryption at rest or between nodes, no HTTPS enforcement, not in a VPC, no audit logs
resource "aws_elasticsearch_domain" "monitoring" {
  domain_name           = "acme-${var.environment}-es"
  elasticsearch_version = "2.3"

  cluster_config {
    instance_type            = "t2.small.elasticsearch"
    instance_count           = 1
    dedicated_master_enabled = false
  }

  ebs_options {
    ebs_enabled = true
    volume_size = 30
  }
}

data aws_iam_policy_document "es_open" {
  statement {
    actions = ["es:*"]
    principals {
      type        = "AWS"
      identifiers = ["*"]
    }
    resources = ["*"]
  }
}

# anyone may call every action on the domain
resource "aws_elasticsearch_domain_policy" "monitoring" {
  domain_name     = aws_elasticsearch_domain.monitoring.domain_name
  access_policies = data.aws_iam_policy_document.es_open.json
}
