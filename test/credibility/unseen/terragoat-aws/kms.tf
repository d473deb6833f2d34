# key rotation not enabled
resource "aws_kms_key" "access_logs" {
  description             = "${local.resource_prefix.value}-access-logs bucket key"
  deletion_window_in_days = 7
}

resource "aws_kms_alias" "access_logs" {
  name          = "alias/${local.resource_prefix.value}-access-logs"
  target_key_id = "${aws_kms_key.access_logs.key_id}"
}
