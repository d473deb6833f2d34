resource "aws_security_group" "good" {
  name = "db"
  ingress {
    from_port   = 5432
    to_port     = 5432
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/16"]
  }
}

resource "aws_security_group" "bad" {
  name = "legacy-db"
  ingress {
    from_port        = 3306
    to_port          = 3306
    protocol         = "tcp"
    ipv6_cidr_blocks = ["::/0"]
  }
}

resource "aws_security_group" "separate_rules" {
  name = "cache"
}

resource "aws_vpc_security_group_ingress_rule" "redis_open" {
  security_group_id = aws_security_group.separate_rules.id
  ip_protocol       = "tcp"
  from_port         = 6379
  to_port           = 6379
  cidr_ipv4         = "0.0.0.0/0"
}
