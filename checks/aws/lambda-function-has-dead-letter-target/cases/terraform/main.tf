resource "aws_lambda_function" "good" {
  function_name = "orders"
  role          = "arn:aws:iam::111122223333:role/orders"
  handler       = "index.handler"
  runtime       = "nodejs20.x"
  filename      = "orders.zip"
  dead_letter_config {
    target_arn = "arn:aws:sqs:eu-west-1:111122223333:orders-dlq"
  }
}

resource "aws_lambda_function" "bad" {
  function_name = "reports"
  role          = "arn:aws:iam::111122223333:role/reports"
  handler       = "index.handler"
  runtime       = "nodejs20.x"
  filename      = "reports.zip"
}
