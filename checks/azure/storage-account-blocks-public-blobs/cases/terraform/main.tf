resource "azurerm_storage_account" "good" {
  name                     = "acmedata"
  resource_group_name      = "prod"
  location                 = "westeurope"
  account_tier             = "Standard"
  account_replication_type = "ZRS"
  allow_nested_items_to_be_public = false
}

resource "azurerm_storage_account" "bad" {
  name                     = "acmedata"
  resource_group_name      = "prod"
  location                 = "westeurope"
  account_tier             = "Standard"
  account_replication_type = "ZRS"
}
