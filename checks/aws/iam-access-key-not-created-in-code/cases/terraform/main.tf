resource "aws_iam_access_key" "good" {
  user   = "legacy-ci"
  status = "Inactive"
}

resource "aws_iam_access_key" "bad" {
  user = "deploy-bot"
}
