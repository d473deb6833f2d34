variable "env" {
  default = "prod"
}

locals {
  prefix = "acme-${var.env}"
}

resource "aws_kms_key" "archive" {
  description         = "archive bucket key"
  enable_key_rotation = true
}

# Encrypted through the separate resource that points at the bucket by reference.
resource "aws_s3_bucket" "archive" {
  bucket = "${local.prefix}-archive"
}

resource "aws_s3_bucket_server_side_encryption_configuration" "archive" {
  bucket = aws_s3_bucket.archive.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.archive.arn
    }
  }
}

# Counted buckets, each with its own configuration picked by count.index.
resource "aws_s3_bucket" "tenant" {
  count  = 2
  bucket = "${local.prefix}-tenant-${count.index}"
}

resource "aws_s3_bucket_server_side_encryption_configuration" "tenant" {
  count  = 2
  bucket = aws_s3_bucket.tenant[count.index].id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

# No encryption configuration anywhere.
resource "aws_s3_bucket" "scratch" {
  bucket = "${local.prefix}-scratch"
}
