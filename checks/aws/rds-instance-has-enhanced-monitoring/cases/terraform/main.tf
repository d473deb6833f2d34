resource "aws_db_instance" "good" {
  identifier          = "orders"
  engine              = "postgres"
  instance_class      = "db.t3.medium"
  monitoring_interval = 30
}

resource "aws_db_instance" "bad" {
  identifier     = "reports"
  engine         = "postgres"
  instance_class = "db.t3.medium"
}
