variable "admin_cidr" {
  default = "0.0.0.0/0"
}

resource "aws_eip" "nat" {
  domain = "vpc"
}

resource "aws_security_group" "web" {
  name = "web"

  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_security_group" "bastion" {
  name = "bastion"
}

# SSH from the "admin range", which defaults to the whole internet.
resource "aws_security_group_rule" "bastion_ssh" {
  type              = "ingress"
  security_group_id = aws_security_group.bastion.id
  from_port         = 22
  to_port           = 22
  protocol          = "tcp"
  cidr_blocks       = [var.admin_cidr]
}

resource "aws_security_group" "db" {
  name = "db"
}

# PostgreSQL from the NAT address: only known once the address is allocated.
resource "aws_vpc_security_group_ingress_rule" "db_from_nat" {
  security_group_id = aws_security_group.db.id
  ip_protocol       = "tcp"
  from_port         = 5432
  to_port           = 5432
  cidr_ipv4         = "${aws_eip.nat.public_ip}/32"
}
