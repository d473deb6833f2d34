resource "azurerm_postgresql_server" "good" {
  name                    = "legacy-orders"
  resource_group_name     = "prod"
  location                = "westeurope"
  sku_name                = "GP_Gen5_2"
  version                 = "11"
  ssl_enforcement_enabled = true
}

resource "azurerm_postgresql_server" "bad" {
  name                    = "legacy-reports"
  resource_group_name     = "prod"
  location                = "westeurope"
  sku_name                = "GP_Gen5_2"
  version                 = "11"
  ssl_enforcement_enabled = false
}
