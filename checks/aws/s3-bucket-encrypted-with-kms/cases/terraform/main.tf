resource "aws_s3_bucket_server_side_encryption_configuration" "good" {
  bucket = "acme-uploads"
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = "alias/uploads"
    }
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "bad" {
  bucket = "acme-scratch"
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}
