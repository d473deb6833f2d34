resource "aws_workspaces_workspace" "good" {
  directory_id                   = "d-1"
  bundle_id                      = "wsb-1"
  user_name                      = "alice"
  root_volume_encryption_enabled = true
  user_volume_encryption_enabled = true
  volume_encryption_key          = "alias/aws/workspaces"
}

resource "aws_workspaces_workspace" "bad" {
  directory_id = "d-1"
  bundle_id    = "wsb-1"
  user_name    = "bob"
}
