resource "aws_backup_vault" "good" {
  name = "prod"
}

resource "aws_backup_vault" "bad" {
  name = "scratch"
}

resource "aws_backup_vault_lock_configuration" "good" {
  backup_vault_name  = aws_backup_vault.good.name
  min_retention_days = 35
}
