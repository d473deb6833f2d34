resource "aws_secretsmanager_secret" "good" {
  name       = "orders/db"
  kms_key_id = "arn:aws:kms:eu-west-1:111122223333:key/0f0e"
}

resource "aws_secretsmanager_secret" "bad" {
  name = "legacy/api-key"
}
