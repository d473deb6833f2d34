resource "aws_elb" "good" {
  name               = "web"
  availability_zones = ["eu-west-1a", "eu-west-1b"]
  listener {
    instance_port      = 8080
    instance_protocol  = "http"
    lb_port            = 443
    lb_protocol        = "https"
    ssl_certificate_id = "arn:aws:acm:eu-west-1:111122223333:certificate/abc"
  }
}

resource "aws_elb" "bad" {
  name               = "legacy"
  availability_zones = ["eu-west-1a"]
  listener {
    instance_port     = 8080
    instance_protocol = "http"
    lb_port           = 80
    lb_protocol       = "http"
  }
}
