resource "aws_kms_key" "data" {
  description             = "Analytics database and event archive"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  tags                    = local.confidential
}

resource "aws_kms_alias" "data" {
  name          = "alias/${local.name_prefix}-data"
  target_key_id = aws_kms_key.data.key_id
}

# Created in a hurry for the export feature: rotation and the classification tag were left off.
resource "aws_kms_key" "exports" {
  description             = "Customer data exports"
  deletion_window_in_days = 30
}
