resource "aws_db_instance" "good" {
  identifier     = "orders"
  engine         = "postgres"
  instance_class = "db.t3.medium"
}

resource "aws_db_instance" "bad" {
  identifier                 = "reports"
  engine                     = "postgres"
  instance_class             = "db.t3.medium"
  auto_minor_version_upgrade = false
}
