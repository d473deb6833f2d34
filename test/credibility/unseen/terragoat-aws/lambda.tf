resource "aws_iam_role" "lambda" {
  name = "${local.resource_prefix.value}-reports-lambda"

  assume_role_policy = <<EOF
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Action": "sts:AssumeRole",
      "Principal": {
        "Service": "lambda.amazonaws.com"
      },
      "Effect": "Allow",
      "Sid": ""
    }
  ]
}
EOF
}

# cloud credentials in plain-text environment variables, an end-of-life runtime, no tracing
resource "aws_lambda_function" "reports" {
  filename      = "resources/reports.zip"
  function_name = "${local.resource_prefix.value}-reports"
  role          = "${aws_iam_role.lambda.arn}"
  handler       = "exports.handler"

  runtime = "nodejs12.x"

  environment {
    variables = {
      access_key = "AKIAQX4Z7NRT2WLC5GHV"
      secret_key = "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"
    }
  }
  tracing_config {
    mode = "PassThrough"
  }
}
