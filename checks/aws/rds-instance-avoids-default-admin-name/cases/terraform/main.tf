resource "aws_db_instance" "good" {
  identifier     = "orders"
  engine         = "postgres"
  instance_class = "db.t3.medium"
  username       = "orders_owner"
}

resource "aws_db_instance" "bad" {
  identifier     = "reports"
  engine         = "postgres"
  instance_class = "db.t3.medium"
  username       = "postgres"
}
