resource "aws_cloudtrail" "organization" {
  name                          = "${local.name_prefix}-trail"
  s3_bucket_name                = module.event_archive.bucket_id
  s3_key_prefix                 = "cloudtrail"
  is_multi_region_trail         = true
  include_global_service_events = true
  enable_log_file_validation    = true
  kms_key_id                    = aws_kms_key.data.arn
}

resource "aws_guardduty_detector" "main" {
  enable = true
}
