# No backend: state is written to terraform.tfstate next to this file.
provider "aws" {
  region = "eu-west-1"
}

resource "aws_s3_bucket" "scratch" {
  bucket = "acme-staging-scratch"
}
