resource "aws_elb" "good" {
  name               = "web"
  availability_zones = ["eu-west-1a"]
  access_logs {
    bucket = "acme-lb-logs"
  }
  listener {
    instance_port     = 8080
    instance_protocol = "http"
    lb_port           = 443
    lb_protocol       = "https"
  }
}

resource "aws_elb" "bad" {
  name               = "legacy"
  availability_zones = ["eu-west-1a"]
  listener {
    instance_port     = 8080
    instance_protocol = "http"
    lb_port           = 443
    lb_protocol       = "https"
  }
}
