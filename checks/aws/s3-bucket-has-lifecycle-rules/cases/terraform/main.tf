resource "aws_s3_bucket" "good" {
  bucket = "acme-exports"
}

resource "aws_s3_bucket" "bad" {
  bucket = "acme-forever"
}

resource "aws_s3_bucket_lifecycle_configuration" "good" {
  bucket = aws_s3_bucket.good.id
  rule {
    id     = "expire"
    status = "Enabled"
    expiration {
      days = 365
    }
  }
}
