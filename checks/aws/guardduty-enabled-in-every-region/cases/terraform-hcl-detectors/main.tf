resource "aws_guardduty_detector" "main" {
  enable = true
}

# Turned off during a cost review and never turned back on.
resource "aws_guardduty_detector" "staging" {
  enable = false
}
