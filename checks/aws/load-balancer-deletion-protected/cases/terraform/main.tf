resource "aws_lb" "good" {
  name                       = "web"
  subnets                    = ["subnet-a", "subnet-b"]
  enable_deletion_protection = true
}

resource "aws_lb" "bad" {
  name    = "api"
  subnets = ["subnet-a", "subnet-b"]
}
