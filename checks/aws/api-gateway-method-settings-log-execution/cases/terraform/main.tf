resource "aws_api_gateway_method_settings" "good" {
  rest_api_id = "a1b2c3"
  stage_name  = "prod"
  method_path = "*/*"
  settings {
    logging_level = "ERROR"
  }
}

resource "aws_api_gateway_method_settings" "bad" {
  rest_api_id = "a1b2c3"
  stage_name  = "test"
  method_path = "*/*"
  settings {
    metrics_enabled = true
  }
}
