resource "aws_db_subnet_group" "analytics" {
  name       = "${local.name_prefix}-analytics"
  subnet_ids = aws_subnet.private[*].id
}

resource "aws_db_instance" "analytics" {
  identifier                          = "${local.name_prefix}-analytics"
  engine                              = "postgres"
  engine_version                      = "16.4"
  instance_class                      = "db.r6g.xlarge"
  allocated_storage                   = 500
  username                            = "acme_admin"
  manage_master_user_password         = true
  db_subnet_group_name                = aws_db_subnet_group.analytics.name
  vpc_security_group_ids              = [aws_security_group.database.id]
  storage_encrypted                   = true
  kms_key_id                          = aws_kms_key.data.arn
  multi_az                            = true
  deletion_protection                 = true
  backup_retention_period             = 14
  iam_database_authentication_enabled = true
  publicly_accessible                 = false
  skip_final_snapshot                 = false
  final_snapshot_identifier           = "${local.name_prefix}-analytics-final"
  tags                                = local.confidential
}
