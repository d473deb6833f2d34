# Raw event archive: built by the shared secure-bucket module (encryption, public access block,
# versioning and access logging in one place).
module "event_archive" {
  source = "./modules/secure-bucket"

  name        = "${local.name_prefix}-event-archive"
  kms_key_arn = aws_kms_key.data.arn
  log_bucket  = aws_s3_bucket.access_logs.id
  tags        = local.confidential
}

# Server access logs of every other bucket.
resource "aws_s3_bucket" "access_logs" {
  bucket = "${local.name_prefix}-access-logs"
  tags   = { data-classification = "internal" }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "access_logs" {
  bucket = aws_s3_bucket.access_logs.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_public_access_block" "access_logs" {
  bucket                  = aws_s3_bucket.access_logs.id
  block_public_acls       = true
  ignore_public_acls      = true
  block_public_policy     = true
  restrict_public_buckets = true
}

# Customer data exports, one bucket per region. Versioning was never turned on for them, and the
# public access block leaves bucket policies unchecked so a partner link could be shared.
resource "aws_s3_bucket" "exports" {
  for_each = var.export_regions

  bucket = "${local.name_prefix}-exports-${each.key}"
  tags   = local.confidential
}

resource "aws_s3_bucket_server_side_encryption_configuration" "exports" {
  for_each = aws_s3_bucket.exports

  bucket = each.value.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.exports.arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_public_access_block" "exports" {
  for_each = var.export_regions

  bucket                  = aws_s3_bucket.exports[each.key].id
  block_public_acls       = true
  ignore_public_acls      = true
  block_public_policy     = false
  restrict_public_buckets = false
}
