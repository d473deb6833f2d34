resource "aws_wafv2_web_acl" "good" {
  name  = "edge"
  scope = "REGIONAL"
  default_action {
    allow {}
  }
  visibility_config {
    cloudwatch_metrics_enabled = true
    metric_name                = "edge"
    sampled_requests_enabled   = true
  }
}

resource "aws_wafv2_web_acl" "bad" {
  name  = "internal"
  scope = "REGIONAL"
  default_action {
    allow {}
  }
  visibility_config {
    cloudwatch_metrics_enabled = true
    metric_name                = "internal"
    sampled_requests_enabled   = true
  }
}

resource "aws_wafv2_web_acl_logging_configuration" "good" {
  resource_arn            = aws_wafv2_web_acl.good.arn
  log_destination_configs = ["arn:aws:logs:eu-west-1:111122223333:log-group:aws-waf-logs-edge"]
}
