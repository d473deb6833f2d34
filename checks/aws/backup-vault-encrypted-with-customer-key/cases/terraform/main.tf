resource "aws_backup_vault" "good" {
  name        = "prod"
  kms_key_arn = "arn:aws:kms:eu-west-1:111122223333:key/0f0e"
}

resource "aws_backup_vault" "bad" {
  name = "default-like"
}
