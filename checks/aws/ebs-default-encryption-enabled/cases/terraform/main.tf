resource "aws_ebs_encryption_by_default" "good" {
  enabled = true
}

resource "aws_ebs_encryption_by_default" "bad" {
  enabled = false
}
