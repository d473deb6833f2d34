resource "aws_secretsmanager_secret" "good" {
  name = "orders/db"
}

resource "aws_secretsmanager_secret" "bad" {
  name                    = "legacy/api-key"
  recovery_window_in_days = 0
}
