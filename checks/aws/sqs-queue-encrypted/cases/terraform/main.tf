resource "aws_sqs_queue" "good" {
  name              = "orders"
  kms_master_key_id = "alias/orders"
}

resource "aws_sqs_queue" "bad" {
  name                    = "audit-events"
  sqs_managed_sse_enabled = false
}
