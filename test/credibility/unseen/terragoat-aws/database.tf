# public, unencrypted, single-AZ database with no backups and no final snapshot
resource "aws_db_instance" "orders" {
  name                   = var.dbname
  engine                 = "mysql"
  option_group_name      = aws_db_option_group.orders.name
  parameter_group_name   = aws_db_parameter_group.orders.name
  db_subnet_group_name   = aws_db_subnet_group.orders.name
  vpc_security_group_ids = ["${aws_security_group.db_sg.id}"]

  identifier              = "rds-${local.resource_prefix.value}"
  engine_version          = "8.0"
  instance_class          = "db.t3.micro"
  allocated_storage       = "20"
  username                = "admin"
  password                = var.password
  apply_immediately       = true
  multi_az                = false
  backup_retention_period = 0
  storage_encrypted       = false
  skip_final_snapshot     = true
  monitoring_interval     = 0
  publicly_accessible     = true

  lifecycle {
    ignore_changes = ["password"]
  }
}

resource "aws_db_option_group" "orders" {
  engine_name              = "mysql"
  name                     = "og-${local.resource_prefix.value}"
  major_engine_version     = "8.0"
  option_group_description = "orders option group"
}

resource "aws_db_parameter_group" "orders" {
  name   = "pg-${local.resource_prefix.value}"
  family = "mysql8.0"

  parameter {
    name         = "character_set_server"
    value        = "utf8"
    apply_method = "immediate"
  }
}

resource "aws_db_subnet_group" "orders" {
  name       = "sg-${local.resource_prefix.value}"
  subnet_ids = ["${aws_subnet.app_subnet_a.id}", "${aws_subnet.app_subnet_b.id}"]
}

resource "aws_security_group" "db_sg" {
  name   = "${local.resource_prefix.value}-db-sg"
  vpc_id = aws_vpc.app_vpc.id
}

resource "aws_security_group_rule" "db_ingress" {
  type              = "ingress"
  from_port         = "3306"
  to_port           = "3306"
  protocol          = "tcp"
  cidr_blocks       = ["${aws_vpc.app_vpc.cidr_block}"]
  security_group_id = aws_security_group.db_sg.id
}

resource "aws_security_group_rule" "db_egress" {
  type              = "egress"
  from_port         = 0
  to_port           = 0
  protocol          = "-1"
  cidr_blocks       = ["0.0.0.0/0"]
  security_group_id = "${aws_security_group.db_sg.id}"
}

resource "aws_iam_instance_profile" "app_profile" {
  name = "${local.resource_prefix.value}-profile"
  role = "${aws_iam_role.app_role.name}"
}

resource "aws_iam_role" "app_role" {
  name = "${local.resource_prefix.value}-role"
  path = "/"

  assume_role_policy = <<EOF
{
    "Version": "2012-10-17",
    "Statement": [
        {
            "Action": "sts:AssumeRole",
            "Principal": {
               "Service": "ec2.amazonaws.com"
            },
            "Effect": "Allow",
            "Sid": ""
        }
    ]
}
EOF
}

# whole services on every resource
resource "aws_iam_role_policy" "app_role_policy" {
  name = "${local.resource_prefix.value}-policy"
  role = aws_iam_role.app_role.id

  policy = <<EOF
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Action": [
        "s3:*",
        "ec2:*",
        "rds:*"
      ],
      "Effect": "Allow",
      "Resource": "*"
    }
  ]
}
EOF
}

# second instance on the web security group, the database password in its user data
resource "aws_instance" "db_app" {
  ami                  = "${var.ami}"
  instance_type        = "t2.nano"
  iam_instance_profile = aws_iam_instance_profile.app_profile.name

  vpc_security_group_ids = [
  "${aws_security_group.web_sg.id}"]
  subnet_id = "${aws_subnet.app_subnet_a.id}"
  user_data = <<EOF
#! /bin/bash
sudo yum -y install httpd php php-mysqlnd
cat << EnD > /tmp/dbinfo.inc
<?php
define('DB_SERVER', '${aws_db_instance.orders.endpoint}');
define('DB_USERNAME', '${aws_db_instance.orders.username}');
define('DB_PASSWORD', '${var.password}');
?>
EnD
EOF
}
