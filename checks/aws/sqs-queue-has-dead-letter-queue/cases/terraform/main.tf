resource "aws_sqs_queue" "good" {
  name           = "orders"
  redrive_policy = jsonencode({ deadLetterTargetArn = "arn:aws:sqs:eu-west-1:111122223333:orders-dlq", maxReceiveCount = 5 })
}

resource "aws_sqs_queue" "bad" {
  name = "emails"
}
