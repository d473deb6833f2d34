resource "aws_athena_workgroup" "good" {
  name = "analysts"
  configuration {
    result_configuration {
      output_location = "s3://acme-athena/results/"
      encryption_configuration {
        encryption_option = "SSE_KMS"
        kms_key_arn       = "arn:aws:kms:eu-west-1:111122223333:key/0f0e"
      }
    }
  }
}

resource "aws_athena_workgroup" "bad" {
  name = "adhoc"
  configuration {
    result_configuration {
      output_location = "s3://acme-athena/adhoc/"
    }
  }
}
