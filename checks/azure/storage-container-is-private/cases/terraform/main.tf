resource "azurerm_storage_container" "good" {
  name                 = "uploads"
  storage_account_name = "acmedata"
}

resource "azurerm_storage_container" "bad" {
  name                  = "site"
  storage_account_name  = "acmedata"
  container_access_type = "blob"
}
