resource "aws_secretsmanager_secret" "good" {
  name = "orders/db"
}

resource "aws_secretsmanager_secret" "bad" {
  name = "legacy/api-key"
}

resource "aws_secretsmanager_secret_rotation" "good" {
  secret_id           = aws_secretsmanager_secret.good.id
  rotation_lambda_arn = "arn:aws:lambda:eu-west-1:111122223333:function:rotate"
  rotation_rules {
    automatically_after_days = 30
  }
}
