resource "aws_cloudtrail" "good" {
  name           = "org"
  s3_bucket_name = "acme-trail"
  kms_key_id     = "arn:aws:kms:eu-west-1:111122223333:key/0f0e"
}

resource "aws_cloudtrail" "bad" {
  name           = "org"
  s3_bucket_name = "acme-trail"
}
