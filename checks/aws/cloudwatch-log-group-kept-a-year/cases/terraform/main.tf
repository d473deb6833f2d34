resource "aws_cloudwatch_log_group" "good" {
  name              = "/app/api"
  retention_in_days = 400
}

resource "aws_cloudwatch_log_group" "bad" {
  name              = "/app/worker"
  retention_in_days = 14
}
