resource "aws_backup_plan" "good" {
  name = "daily"
  rule {
    rule_name         = "daily"
    target_vault_name = "prod"
    schedule          = "cron(0 3 * * ? *)"
    copy_action {
      destination_vault_arn = "arn:aws:backup:eu-central-1:444455556666:backup-vault:dr"
    }
  }
}

resource "aws_backup_plan" "bad" {
  name = "local"
  rule {
    rule_name         = "daily"
    target_vault_name = "prod"
    schedule          = "cron(0 3 * * ? *)"
  }
}
