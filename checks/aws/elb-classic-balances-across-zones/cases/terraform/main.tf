resource "aws_elb" "good" {
  name               = "web"
  availability_zones = ["eu-west-1a", "eu-west-1b"]
  listener {
    instance_port     = 8080
    instance_protocol = "http"
    lb_port           = 443
    lb_protocol       = "https"
  }
}

resource "aws_elb" "bad" {
  name                      = "legacy"
  availability_zones        = ["eu-west-1a", "eu-west-1b"]
  cross_zone_load_balancing = false
  listener {
    instance_port     = 8080
    instance_protocol = "http"
    lb_port           = 443
    lb_protocol       = "https"
  }
}
