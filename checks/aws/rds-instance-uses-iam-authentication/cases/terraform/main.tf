resource "aws_db_instance" "good" {
  identifier                          = "orders"
  engine                              = "postgres"
  instance_class                      = "db.t3.medium"
  iam_database_authentication_enabled = true
}

resource "aws_db_instance" "bad" {
  identifier     = "reports"
  engine         = "mysql"
  instance_class = "db.t3.medium"
}
