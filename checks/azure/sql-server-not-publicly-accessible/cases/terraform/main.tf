resource "azurerm_mssql_server" "good" {
  name                = "acme-sql"
  resource_group_name = "prod"
  location            = "westeurope"
  version             = "12.0"
  public_network_access_enabled = false
}

resource "azurerm_mssql_server" "bad" {
  name                = "acme-sql"
  resource_group_name = "prod"
  location            = "westeurope"
  version             = "12.0"
}
