resource "aws_s3_bucket_public_access_block" "good" {
  bucket                  = "acme-uploads"
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_public_access_block" "bad" {
  bucket            = "acme-site"
  block_public_acls = true
}
