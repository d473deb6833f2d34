terraform {
  backend "s3" {
    bucket = "acme-terraform-state"
    key    = "prod/app.tfstate"
    region = "us-east-1"
  }
}

provider "aws" {
  region = "us-east-1"
}
