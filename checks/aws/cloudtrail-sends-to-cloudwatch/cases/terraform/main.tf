resource "aws_cloudtrail" "good" {
  name           = "org"
  s3_bucket_name = "acme-trail"
  cloud_watch_logs_group_arn = "arn:aws:logs:eu-west-1:111122223333:log-group:trail:*"
  cloud_watch_logs_role_arn  = "arn:aws:iam::111122223333:role/trail"
}

resource "aws_cloudtrail" "bad" {
  name           = "org"
  s3_bucket_name = "acme-trail"
}
