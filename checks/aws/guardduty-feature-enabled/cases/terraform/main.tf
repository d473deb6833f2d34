resource "aws_guardduty_detector_feature" "good" {
  detector_id = "d1"
  name        = "EKS_AUDIT_LOGS"
  status      = "ENABLED"
}

resource "aws_guardduty_detector_feature" "bad" {
  detector_id = "d1"
  name        = "S3_DATA_EVENTS"
  status      = "DISABLED"
}
