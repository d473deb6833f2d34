resource "aws_lambda_function_url" "good" {
  function_name      = "orders"
  authorization_type = "AWS_IAM"
}

resource "aws_lambda_function_url" "bad" {
  function_name      = "webhook"
  authorization_type = "NONE"
}
