resource "aws_iam_user" "ci" {
  name          = "${local.resource_prefix.value}-ci"
  force_destroy = true
}

# an access key created in code: its secret lands in the state
resource "aws_iam_access_key" "ci" {
  user = aws_iam_user.ci.name
}

# a policy attached straight to a user, granting whole services on every resource
resource "aws_iam_user_policy" "ci_policy" {
  name = "ci_wide_policy"
  user = "${aws_iam_user.ci.name}"

  policy = <<EOF
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Action": [
        "ec2:*",
        "s3:*",
        "lambda:*",
        "cloudwatch:*"
      ],
      "Effect": "Allow",
      "Resource": "*"
    }
  ]
}
EOF
}

output "ci_secret" {
  value = aws_iam_access_key.ci.encrypted_secret
}
