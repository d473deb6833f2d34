resource "aws_kms_key" "db" {
  description         = "orders database"
  enable_key_rotation = true
}

resource "aws_db_instance" "orders" {
  identifier                  = "orders"
  engine                      = "postgres"
  engine_version              = "16.4"
  instance_class              = "db.r6g.large"
  allocated_storage           = 100
  username                    = "orders_admin"
  manage_master_user_password = true
  storage_encrypted           = true
  kms_key_id                  = aws_kms_key.db.arn
  multi_az                    = true
  deletion_protection         = true
  backup_retention_period     = 14
  publicly_accessible         = false
}

# A reporting copy set up by hand years ago and later imported into Terraform as it was.
resource "aws_db_instance" "reporting" {
  identifier                  = "reporting"
  engine                      = "mysql"
  engine_version              = "8.0"
  instance_class              = "db.t3.medium"
  allocated_storage           = 50
  username                    = "report"
  manage_master_user_password = true
  publicly_accessible         = true
  backup_retention_period     = 0
  multi_az                    = false
  skip_final_snapshot         = true
}
