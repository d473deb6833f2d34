module "backups" {
  source = "./modules/bucket"
  name   = "acme-prod-backups"
}

# Versioning through the root module's own resource, suspended during a migration.
resource "aws_s3_bucket" "imports" {
  bucket = "acme-prod-imports"
}

resource "aws_s3_bucket_versioning" "imports" {
  bucket = aws_s3_bucket.imports.id
  versioning_configuration {
    status = "Suspended"
  }
}
