resource "aws_apigatewayv2_route" "good" {
  api_id             = "a1"
  route_key          = "GET /orders"
  authorization_type = "JWT"
  authorizer_id      = "au1"
}

resource "aws_apigatewayv2_route" "bad" {
  api_id    = "a1"
  route_key = "POST /orders"
}
