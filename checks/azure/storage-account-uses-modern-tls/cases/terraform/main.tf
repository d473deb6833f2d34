resource "azurerm_storage_account" "good" {
  name                     = "acmedata"
  resource_group_name      = "prod"
  location                 = "westeurope"
  account_tier             = "Standard"
  account_replication_type = "ZRS"
}

resource "azurerm_storage_account" "bad" {
  name                     = "acmedata"
  resource_group_name      = "prod"
  location                 = "westeurope"
  account_tier             = "Standard"
  account_replication_type = "ZRS"
  min_tls_version = "TLS1_0"
}
