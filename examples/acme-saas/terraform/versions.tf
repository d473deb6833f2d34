terraform {
  required_version = ">= 1.5"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }

  # State lives in S3, encrypted with the state key; the lock table prevents concurrent applies.
  backend "s3" {
    bucket         = "acme-insights-terraform-state"
    key            = "prod/platform.tfstate"
    region         = "us-east-1"
    encrypt        = true
    dynamodb_table = "acme-insights-terraform-locks"
  }
}

provider "aws" {
  region = var.region

  default_tags {
    tags = {
      owner       = "platform"
      environment = var.environment
      managed-by  = "terraform"
    }
  }
}
