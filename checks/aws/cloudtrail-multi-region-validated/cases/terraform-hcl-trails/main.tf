resource "aws_cloudtrail" "org" {
  name                       = "org-trail"
  s3_bucket_name             = "acme-cloudtrail-logs"
  is_multi_region_trail      = true
  enable_log_file_validation = true
}

resource "aws_cloudtrail" "legacy" {
  name           = "legacy-us-east-1"
  s3_bucket_name = "acme-cloudtrail-logs"
}
