resource "aws_s3_bucket_acl" "good" {
  bucket = "acme-uploads"
  acl    = "private"
}

resource "aws_s3_bucket_acl" "bad" {
  bucket = "acme-site"
  acl    = "public-read"
}
