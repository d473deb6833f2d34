resource "aws_db_instance" "good" {
  identifier            = "orders"
  engine                = "postgres"
  instance_class        = "db.t3.medium"
  copy_tags_to_snapshot = true
}

resource "aws_db_instance" "bad" {
  identifier     = "reports"
  engine         = "postgres"
  instance_class = "db.t3.medium"
}
