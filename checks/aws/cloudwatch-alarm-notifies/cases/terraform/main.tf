resource "aws_cloudwatch_metric_alarm" "good" {
  alarm_name          = "api-5xx"
  comparison_operator = "GreaterThanThreshold"
  evaluation_periods  = 1
  metric_name         = "5XXError"
  namespace           = "AWS/ApiGateway"
  period              = 60
  statistic           = "Sum"
  threshold           = 5
  alarm_actions       = ["arn:aws:sns:eu-west-1:111122223333:oncall"]
}

resource "aws_cloudwatch_metric_alarm" "bad" {
  alarm_name          = "root-login"
  comparison_operator = "GreaterThanThreshold"
  evaluation_periods  = 1
  metric_name         = "RootLogin"
  namespace           = "Security"
  period              = 60
  statistic           = "Sum"
  threshold           = 0
}
