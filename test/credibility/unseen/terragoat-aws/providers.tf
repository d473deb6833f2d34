provider "aws" {
  profile = var.profile
  region  = var.region
}

terraform {
  backend "s3" {
    encrypt = false
  }
}

data "aws_caller_identity" "current" {}

variable "company_name" {
  default = "acmegoat"
}

variable "environment" {
  default = "dev"
}

variable "region" {
  default = "us-west-2"
}

variable "profile" {
  default = "default"
}

variable "ami" {
  type    = string
  default = "ami-09a5b0b7edf08843d"
}

variable "dbname" {
  type    = string
  default = "db1"
}

variable "password" {
  type    = string
  default = "Aa1234321Bb"
}

variable "neptune_dbname" {
  type    = string
  default = "neptunedb1"
}

locals {
  resource_prefix = {
    value = "${data.aws_caller_identity.current.account_id}-${var.company_name}-${var.environment}"
  }
}
