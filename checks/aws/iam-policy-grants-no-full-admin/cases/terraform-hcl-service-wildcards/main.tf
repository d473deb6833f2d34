# Written outside the team: each policy grants "only" one service, which passed before.
resource "aws_iam_policy" "data_pipeline" {
  name = "data-pipeline"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Sid = "Buckets", Effect = "Allow", Action = "s3:*", Resource = "*" },
      { Sid = "Queue", Effect = "Allow", Action = ["sqs:SendMessage"], Resource = "arn:aws:sqs:eu-west-1:123456789012:ingest" },
    ]
  })
}

data "aws_iam_policy_document" "platform" {
  statement {
    sid       = "ManageRoles"
    actions   = ["iam:*", "sts:AssumeRole"]
    resources = ["*"]
  }
}

resource "aws_iam_policy" "platform" {
  name   = "platform"
  policy = data.aws_iam_policy_document.platform.json
}

resource "aws_iam_role_policy" "key_admin" {
  name = "key-admin"
  role = "ci-deployer"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "KMS:*", Resource = "arn:aws:kms:eu-west-1:123456789012:*" }]
  })
}

# A whole service that is not sensitive, and a sensitive service on one bucket only: both pass.
resource "aws_iam_policy" "metrics" {
  name = "metrics"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["cloudwatch:*"], Resource = "*" }]
  })
}

resource "aws_iam_policy" "reports_bucket" {
  name = "reports-bucket"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "s3:*", Resource = ["arn:aws:s3:::acme-reports", "arn:aws:s3:::acme-reports/*"] }]
  })
}

# Conditioned: not judged here (the condition may narrow the grant).
resource "aws_iam_policy" "tagged_instances" {
  name = "tagged-instances"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "ec2:*"
      Resource  = "*"
      Condition = { StringEquals = { "aws:ResourceTag/team" = "data" } }
    }]
  })
}
