resource "aws_lb" "good" {
  name               = "web"
  load_balancer_type = "application"
  subnets            = ["subnet-a", "subnet-b"]
  drop_invalid_header_fields = true
}

resource "aws_lb" "bad" {
  name    = "api"
  subnets = ["subnet-a", "subnet-b"]
}
