resource "aws_default_security_group" "good" {
  vpc_id = "vpc-1"
}

resource "aws_default_security_group" "bad" {
  vpc_id = "vpc-2"
  ingress {
    protocol  = "-1"
    self      = true
    from_port = 0
    to_port   = 0
  }
}
