resource "aws_backup_plan" "good" {
  name = "daily"
  rule {
    rule_name         = "daily"
    target_vault_name = "prod"
    schedule          = "cron(0 3 * * ? *)"
    lifecycle {
      delete_after = 35
    }
  }
}

resource "aws_backup_plan" "bad" {
  name = "short"
  rule {
    rule_name         = "daily"
    target_vault_name = "prod"
    schedule          = "cron(0 3 * * ? *)"
    lifecycle {
      delete_after = 3
    }
  }
}
