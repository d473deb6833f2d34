resource "aws_db_instance" "good" {
  identifier                      = "orders"
  engine                          = "postgres"
  instance_class                  = "db.t3.medium"
  enabled_cloudwatch_logs_exports = ["postgresql", "upgrade"]
}

resource "aws_db_instance" "bad" {
  identifier     = "reports"
  engine         = "postgres"
  instance_class = "db.t3.medium"
}
