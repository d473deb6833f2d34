terraform {
  cloud {
    organization = "acme-analytics"
    workspaces {
      name = "platform-prod"
    }
  }
}

provider "aws" {
  region = "us-east-1"
}

module "vpc" {
  source = "./modules/vpc"
  cidr   = "10.10.0.0/16"
}
