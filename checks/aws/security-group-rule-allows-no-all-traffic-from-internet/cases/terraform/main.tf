resource "aws_security_group_rule" "good" {
  type              = "ingress"
  security_group_id = "sg-1"
  from_port         = 443
  to_port           = 443
  protocol          = "tcp"
  cidr_blocks       = ["0.0.0.0/0"]
}

resource "aws_vpc_security_group_ingress_rule" "bad" {
  security_group_id = "sg-1"
  ip_protocol       = "-1"
  cidr_ipv4         = "0.0.0.0/0"
}
