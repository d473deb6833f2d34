resource "aws_cloudwatch_log_group" "good" {
  name       = "/app/api"
  kms_key_id = "arn:aws:kms:eu-west-1:111122223333:key/0f0e"
}

resource "aws_cloudwatch_log_group" "bad" {
  name = "/app/worker"
}
