resource "aws_lb" "good" {
  name    = "web"
  subnets = ["subnet-a", "subnet-b"]
}

resource "aws_lb" "bad" {
  name                   = "api"
  subnets                = ["subnet-a", "subnet-b"]
  desync_mitigation_mode = "monitor"
}
