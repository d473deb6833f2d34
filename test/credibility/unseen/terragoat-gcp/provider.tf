provider "google" {
  project = var.project
  region  = var.region
}

variable "project" {
  default = "acmegoat-dev"
}

variable "region" {
  default = "us-west1"
}

variable "location" {
  default = "US"
}

variable "environment" {
  default = "dev"
}
