resource "aws_lb" "good" {
  name    = "web"
  subnets = ["subnet-a", "subnet-b"]
}

resource "aws_lb" "bad" {
  name    = "api"
  subnets = ["subnet-a", "subnet-b"]
}

resource "aws_wafv2_web_acl_association" "good" {
  resource_arn = aws_lb.good.arn
  web_acl_arn  = "arn:aws:wafv2:eu-west-1:111122223333:regional/webacl/main/1"
}
