resource "aws_db_instance" "good" {
  identifier                      = "orders"
  engine                          = "postgres"
  instance_class                  = "db.t3.medium"
  performance_insights_enabled    = true
  performance_insights_kms_key_id = "arn:aws:kms:eu-west-1:111122223333:key/0f0e"
}

resource "aws_db_instance" "bad" {
  identifier                   = "reports"
  engine                       = "postgres"
  instance_class               = "db.t3.medium"
  performance_insights_enabled = true
}
