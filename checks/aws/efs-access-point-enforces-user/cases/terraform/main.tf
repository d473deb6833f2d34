resource "aws_efs_access_point" "good" {
  file_system_id = "fs-0123"
  posix_user {
    uid = 1000
    gid = 1000
  }
}

resource "aws_efs_access_point" "bad" {
  file_system_id = "fs-0123"
}
