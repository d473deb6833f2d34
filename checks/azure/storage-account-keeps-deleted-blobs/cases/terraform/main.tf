resource "azurerm_storage_account" "good" {
  name                     = "acmedata"
  resource_group_name      = "prod"
  location                 = "westeurope"
  account_tier             = "Standard"
  account_replication_type = "ZRS"
  blob_properties {
    delete_retention_policy {
      days = 14
    }
  }
}

resource "azurerm_storage_account" "bad" {
  name                     = "acmedata"
  resource_group_name      = "prod"
  location                 = "westeurope"
  account_tier             = "Standard"
  account_replication_type = "ZRS"
}
