resource "aws_api_gateway_method_settings" "good" {
  rest_api_id = "a1b2c3"
  stage_name  = "prod"
  method_path = "*/*"
  settings {
    caching_enabled      = true
    cache_data_encrypted = true
  }
}

resource "aws_api_gateway_method_settings" "bad" {
  rest_api_id = "a1b2c3"
  stage_name  = "test"
  method_path = "*/*"
  settings {
    caching_enabled = true
  }
}
