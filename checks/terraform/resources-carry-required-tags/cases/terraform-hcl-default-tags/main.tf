variable "team" {
  type = string
}

provider "aws" {
  region = "us-east-1"
  default_tags {
    tags = {
      owner = "platform"
    }
  }
}

locals {
  confidential = { data-classification = "confidential" }
}

resource "aws_s3_bucket" "customer_data" {
  bucket = "acme-customer-data"
  tags   = merge(local.confidential, { purpose = "exports" })
}

# Only the provider's default owner tag: no classification.
resource "aws_dynamodb_table" "sessions" {
  name         = "sessions"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "id"
  attribute {
    name = "id"
    type = "S"
  }
}

# Classification comes from a variable without a default: known only when the plan is made.
resource "aws_dynamodb_table" "jobs" {
  name         = "jobs"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "id"
  attribute {
    name = "id"
    type = "S"
  }
  tags = { data-classification = var.team == "data" ? "confidential" : "internal" }
}

# Not a data store: the owner tag is enough.
resource "aws_sqs_queue" "events" {
  name = "events"
}

# Takes no tags: not judged.
resource "aws_s3_bucket_versioning" "customer_data" {
  bucket = aws_s3_bucket.customer_data.id
  versioning_configuration {
    status = "Enabled"
  }
}
