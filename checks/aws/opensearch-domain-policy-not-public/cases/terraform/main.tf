resource "aws_opensearch_domain" "search" {
  domain_name    = "search"
  engine_version = "OpenSearch_2.11"
}

data "aws_iam_policy_document" "anyone" {
  statement {
    actions = ["es:*"]
    principals {
      type        = "AWS"
      identifiers = ["*"]
    }
    resources = ["*"]
  }
}

resource "aws_opensearch_domain_policy" "bad" {
  domain_name     = aws_opensearch_domain.search.domain_name
  access_policies = data.aws_iam_policy_document.anyone.json
}

resource "aws_opensearch_domain_policy" "good" {
  domain_name     = aws_opensearch_domain.search.domain_name
  access_policies = <<POLICY
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": { "AWS": "arn:aws:iam::123456789012:role/search-writer" },
      "Action": "es:ESHttp*",
      "Resource": "arn:aws:es:us-east-1:123456789012:domain/search/*"
    }
  ]
}
POLICY
}

resource "aws_elasticsearch_domain" "legacy_open" {
  domain_name           = "legacy"
  elasticsearch_version = "7.10"
  access_policies = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = "*"
      Action    = "es:*"
      Resource  = "*"
    }]
  })
}

resource "aws_elasticsearch_domain" "legacy_from_office" {
  domain_name           = "legacy-office"
  elasticsearch_version = "7.10"
  access_policies = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "*" }
      Action    = "es:ESHttpGet"
      Resource  = "*"
      Condition = { IpAddress = { "aws:SourceIp" = ["203.0.113.0/24"] } }
    }]
  })
}
