resource "aws_appsync_graphql_api" "good" {
  name                = "orders"
  authentication_type = "AWS_IAM"
  log_config {
    cloudwatch_logs_role_arn = "arn:aws:iam::111122223333:role/appsync"
    field_log_level          = "ERROR"
  }
}

resource "aws_appsync_graphql_api" "bad" {
  name                = "catalog"
  authentication_type = "API_KEY"
}
