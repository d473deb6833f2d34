resource "aws_vpc_security_group_ingress_rule" "good" {
  security_group_id = "sg-1"
  ip_protocol       = "tcp"
  from_port         = 5432
  to_port           = 5432
  cidr_ipv4         = "10.0.0.0/8"
}

resource "aws_security_group_rule" "bad" {
  type              = "ingress"
  security_group_id = "sg-1"
  from_port         = 6379
  to_port           = 6379
  protocol          = "tcp"
  cidr_blocks       = ["0.0.0.0/0"]
}
