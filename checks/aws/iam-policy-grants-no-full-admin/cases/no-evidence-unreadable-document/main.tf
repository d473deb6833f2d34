# "Statements" (a typo for Statement): IAM would reject the document at apply. Read as "no
# statements" it would pass as granting nothing; the check cannot tell what it grants.
resource "aws_iam_policy" "deploy" {
  name   = "deploy"
  policy = <<-JSON
    {
      "Version": "2012-10-17",
      "Statements": [
        { "Effect": "Allow", "Action": "*", "Resource": "*" }
      ]
    }
  JSON
}

# Both Action and NotAction: not a statement IAM accepts, so neither reading is taken.
resource "aws_iam_role_policy" "ops" {
  name = "ops"
  role = "ops"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "s3:GetObject", NotAction = "iam:*", Resource = "*" }]
  })
}

resource "aws_iam_policy" "read_reports" {
  name = "read-reports"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["s3:GetObject"], Resource = ["arn:aws:s3:::acme-reports/*"] }]
  })
}
