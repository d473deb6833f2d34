resource "aws_s3_bucket_ownership_controls" "good" {
  bucket = "acme-uploads"
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_ownership_controls" "bad" {
  bucket = "acme-legacy"
  rule {
    object_ownership = "ObjectWriter"
  }
}
