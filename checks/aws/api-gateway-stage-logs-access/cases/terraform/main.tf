resource "aws_api_gateway_stage" "good" {
  rest_api_id   = "a1b2c3"
  deployment_id = "d1"
  stage_name    = "prod"
  access_log_settings {
    destination_arn = "arn:aws:logs:eu-west-1:111122223333:log-group:api"
    format          = "$context.requestId"
  }
}

resource "aws_api_gateway_stage" "bad" {
  rest_api_id   = "a1b2c3"
  deployment_id = "d1"
  stage_name    = "test"
}
