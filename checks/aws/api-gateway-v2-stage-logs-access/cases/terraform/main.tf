resource "aws_apigatewayv2_stage" "good" {
  api_id = "a1"
  name   = "prod"
  access_log_settings {
    destination_arn = "arn:aws:logs:eu-west-1:111122223333:log-group:api"
    format          = "$context.requestId"
  }
}

resource "aws_apigatewayv2_stage" "bad" {
  api_id = "a1"
  name   = "test"
}
