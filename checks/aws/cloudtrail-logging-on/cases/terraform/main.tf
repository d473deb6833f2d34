resource "aws_cloudtrail" "good" {
  name           = "org"
  s3_bucket_name = "acme-trail"
}

resource "aws_cloudtrail" "bad" {
  name           = "org"
  s3_bucket_name = "acme-trail"
  enable_logging = false
}
