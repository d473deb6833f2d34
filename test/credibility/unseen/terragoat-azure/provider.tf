provider "azurerm" {
  features {}
}

variable "location" {
  default = "East US"
}

variable "environment" {
  default = "dev"
}

resource "random_integer" "suffix" {
  min = 10000
  max = 99999
}

resource "random_string" "password" {
  length  = 16
  special = true
}

data "azurerm_client_config" "current" {}

resource "azurerm_resource_group" "main" {
  name     = "acmegoat-${var.environment}"
  location = var.location
}
