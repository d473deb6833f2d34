resource "aws_sns_topic" "good" {
  name              = "orders"
  kms_master_key_id = "alias/aws/sns"
}

resource "aws_sns_topic" "bad" {
  name = "alerts"
}
