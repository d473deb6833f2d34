resource "aws_vpc" "good" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_default_security_group" "good" {
  vpc_id = aws_vpc.good.id
}

resource "aws_vpc" "bad" {
  cidr_block = "10.1.0.0/16"
}

resource "aws_vpc" "permissive" {
  cidr_block = "10.2.0.0/16"
}

resource "aws_default_security_group" "permissive" {
  vpc_id = aws_vpc.permissive.id
  ingress {
    protocol  = "-1"
    self      = true
    from_port = 0
    to_port   = 0
  }
}
