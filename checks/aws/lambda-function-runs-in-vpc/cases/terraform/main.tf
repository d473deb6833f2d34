resource "aws_lambda_function" "good" {
  function_name = "invoice-render"
  role          = "arn:aws:iam::111122223333:role/invoice-render"
  handler       = "index.handler"
  runtime       = "nodejs20.x"
  filename      = "invoice-render.zip"
  vpc_config {
    subnet_ids         = ["subnet-0a1b2c3d4e5f60718", "subnet-0f1e2d3c4b5a69788"]
    security_group_ids = ["sg-0123456789abcdef0"]
  }
}

resource "aws_lambda_function" "bad" {
  function_name = "webhook-relay"
  role          = "arn:aws:iam::111122223333:role/webhook-relay"
  handler       = "index.handler"
  runtime       = "nodejs20.x"
  filename      = "webhook-relay.zip"
}
