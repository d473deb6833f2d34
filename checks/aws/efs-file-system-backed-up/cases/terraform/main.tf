resource "aws_efs_file_system" "good" {
  creation_token = "shared"
}

resource "aws_efs_file_system" "bad" {
  creation_token = "legacy"
}

resource "aws_efs_backup_policy" "good" {
  file_system_id = aws_efs_file_system.good.id
  backup_policy {
    status = "ENABLED"
  }
}

resource "aws_efs_backup_policy" "bad" {
  file_system_id = aws_efs_file_system.bad.id
  backup_policy {
    status = "DISABLED"
  }
}
