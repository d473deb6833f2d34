resource "aws_sns_topic_subscription" "good" {
  topic_arn = "arn:aws:sns:eu-west-1:111122223333:orders"
  protocol  = "https"
  endpoint  = "https://hooks.example.com/orders"
}

resource "aws_sns_topic_subscription" "bad" {
  topic_arn = "arn:aws:sns:eu-west-1:111122223333:orders"
  protocol  = "http"
  endpoint  = "http://hooks.example.com/orders"
}
