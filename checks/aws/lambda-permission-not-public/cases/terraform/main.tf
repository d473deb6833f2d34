resource "aws_lambda_permission" "good" {
  statement_id = "AllowS3"
  action       = "lambda:InvokeFunction"
  function_name = "thumbnail"
  principal    = "s3.amazonaws.com"
  source_arn   = "arn:aws:s3:::acme-uploads"
}

resource "aws_lambda_permission" "bad" {
  statement_id  = "AllowAll"
  action        = "lambda:InvokeFunction"
  function_name = "thumbnail"
  principal     = "*"
}
