resource "aws_lb" "good" {
  name    = "web"
  subnets = ["subnet-a", "subnet-b"]
  access_logs {
    bucket  = "acme-lb-logs"
    enabled = true
  }
}

resource "aws_lb" "bad" {
  name    = "api"
  subnets = ["subnet-a", "subnet-b"]
}
