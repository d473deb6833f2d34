resource "aws_lambda_function" "good" {
  function_name = "orders"
  role          = "arn:aws:iam::111122223333:role/orders"
  handler       = "index.handler"
  runtime       = "nodejs20.x"
  filename      = "orders.zip"
}

resource "aws_lambda_function" "bad" {
  function_name = "legacy"
  role          = "arn:aws:iam::111122223333:role/legacy"
  handler       = "main.handler"
  runtime       = "python3.7"
  filename      = "legacy.zip"
}
