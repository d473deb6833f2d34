resource "aws_guardduty_detector" "good" {
  enable                       = true
  finding_publishing_frequency = "FIFTEEN_MINUTES"
}

resource "aws_guardduty_detector" "bad" {
  enable = true
}
