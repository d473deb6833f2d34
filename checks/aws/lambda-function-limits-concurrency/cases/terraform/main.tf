resource "aws_lambda_function" "good" {
  function_name                  = "thumbnailer"
  role                           = "arn:aws:iam::111122223333:role/thumbnailer"
  handler                        = "main.handler"
  runtime                        = "python3.12"
  filename                       = "thumbnailer.zip"
  reserved_concurrent_executions = 20
}

resource "aws_lambda_function" "bad" {
  function_name = "export-csv"
  role          = "arn:aws:iam::111122223333:role/export-csv"
  handler       = "main.handler"
  runtime       = "python3.12"
  filename      = "export-csv.zip"
}
