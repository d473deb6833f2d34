resource "aws_api_gateway_stage" "good" {
  rest_api_id          = "a1b2c3"
  deployment_id        = "d1"
  stage_name           = "prod"
  xray_tracing_enabled = true
}

resource "aws_api_gateway_stage" "bad" {
  rest_api_id   = "a1b2c3"
  deployment_id = "d1"
  stage_name    = "test"
}
