resource "aws_efs_access_point" "good" {
  file_system_id = "fs-0123"
  root_directory {
    path = "/app"
  }
}

resource "aws_efs_access_point" "bad" {
  file_system_id = "fs-0123"
}
