# customer data: public-read, no encryption, no versioning, no access logging
resource "aws_s3_bucket" "customer_data" {
  bucket        = "${local.resource_prefix.value}-customer-data"
  acl           = "public-read"
  force_destroy = true
  tags = merge({
    Name = "${local.resource_prefix.value}-customer-data"
    }, {
    owner = "data"
  })
}

resource "aws_s3_bucket_object" "customer_export" {
  bucket = aws_s3_bucket.customer_data.id
  key    = "customers.csv"
  source = "resources/customers.csv"
}

# private, but no encryption, no versioning, no access logging
resource "aws_s3_bucket" "invoices" {
  bucket        = "${local.resource_prefix.value}-invoices"
  acl           = "private"
  force_destroy = true
}

# versioned, but no encryption and no access logging
resource "aws_s3_bucket" "ops" {
  bucket = "${local.resource_prefix.value}-ops"
  acl    = "private"
  versioning {
    enabled = true
  }
  force_destroy = true
}

# versioned and logged, but no encryption
resource "aws_s3_bucket" "analytics" {
  bucket = "${local.resource_prefix.value}-analytics"
  acl    = "private"
  versioning {
    enabled = true
  }
  logging {
    target_bucket = "${aws_s3_bucket.access_logs.id}"
    target_prefix = "log/"
  }
  force_destroy = true
}

# the access-log bucket: versioned and encrypted with a customer key (that key does not rotate)
resource "aws_s3_bucket" "access_logs" {
  bucket = "${local.resource_prefix.value}-access-logs"
  acl    = "log-delivery-write"
  versioning {
    enabled = true
  }
  server_side_encryption_configuration {
    rule {
      apply_server_side_encryption_by_default {
        sse_algorithm     = "aws:kms"
        kms_master_key_id = "${aws_kms_key.access_logs.arn}"
      }
    }
  }
  force_destroy = true
}
