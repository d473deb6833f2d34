resource "azurerm_postgresql_flexible_server" "good" {
  name                          = "orders"
  resource_group_name           = "prod"
  location                      = "westeurope"
  version                       = "16"
  public_network_access_enabled = false
}

resource "azurerm_postgresql_flexible_server" "bad" {
  name                = "reports"
  resource_group_name = "prod"
  location            = "westeurope"
  version             = "16"
}
