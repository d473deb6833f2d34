resource "aws_api_gateway_method" "good" {
  rest_api_id   = "a1b2c3"
  resource_id   = "r1"
  http_method   = "GET"
  authorization = "AWS_IAM"
}

resource "aws_api_gateway_method" "bad" {
  rest_api_id   = "a1b2c3"
  resource_id   = "r1"
  http_method   = "POST"
  authorization = "NONE"
}
