# The same policy written twice, as Terraform users write it: inline through jsonencode(), and
# through the aws_iam_policy_document data source.
resource "aws_iam_policy" "read_reports" {
  name        = "read-reports"
  description = "Read the reports bucket from the VPC"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "ReadReports"
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:ListBucket"]
        Resource = ["arn:aws:s3:::acme-reports", "arn:aws:s3:::acme-reports/*"]
        Condition = {
          StringEquals = { "aws:SourceVpc" = "vpc-0a1b2c3d" }
        }
      },
      {
        Sid       = "DenyWithoutMfa"
        Effect    = "Deny"
        NotAction = "iam:ChangePassword"
        Resource  = "*"
        Condition = {
          Bool = { "aws:MultiFactorAuthPresent" = "false" }
        }
      },
    ]
  })
}

data "aws_iam_policy_document" "read_reports" {
  statement {
    sid       = "ReadReports"
    actions   = ["s3:GetObject", "s3:ListBucket"]
    resources = ["arn:aws:s3:::acme-reports", "arn:aws:s3:::acme-reports/*"]
    condition {
      test     = "StringEquals"
      variable = "aws:SourceVpc"
      values   = ["vpc-0a1b2c3d"]
    }
  }
  statement {
    sid         = "DenyWithoutMfa"
    effect      = "Deny"
    not_actions = ["iam:ChangePassword"]
    resources   = ["*"]
    condition {
      test     = "Bool"
      variable = "aws:MultiFactorAuthPresent"
      values   = ["false"]
    }
  }
}

resource "aws_iam_policy" "read_reports_document" {
  name   = "read-reports-document"
  policy = data.aws_iam_policy_document.read_reports.json
}
