variable "buckets" {
  type    = set(string)
  default = ["invoices", "reports"]
}

resource "aws_s3_bucket" "data" {
  for_each = var.buckets
  bucket   = "acme-prod-${each.key}"
}

# One public access block per bucket, tied to it through for_each over the buckets themselves.
resource "aws_s3_bucket_public_access_block" "data" {
  for_each = aws_s3_bucket.data

  bucket                  = each.value.id
  block_public_acls       = true
  ignore_public_acls      = true
  block_public_policy     = true
  restrict_public_buckets = true
}

# A website bucket whose block leaves policies unchecked, with a policy open to everyone.
resource "aws_s3_bucket" "site" {
  bucket = "acme-prod-site"
}

resource "aws_s3_bucket_public_access_block" "site" {
  bucket                  = aws_s3_bucket.site.id
  block_public_acls       = true
  ignore_public_acls      = true
  block_public_policy     = false
  restrict_public_buckets = false
}

resource "aws_s3_bucket_policy" "site" {
  bucket = aws_s3_bucket.site.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = "*"
      Action    = "s3:GetObject"
      Resource  = "arn:aws:s3:::acme-prod-site/*"
    }]
  })
}

# No block at all.
resource "aws_s3_bucket" "tmp" {
  bucket = "acme-prod-tmp"
}
