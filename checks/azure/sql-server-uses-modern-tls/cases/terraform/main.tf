resource "azurerm_mssql_server" "good" {
  name                = "acme-sql"
  resource_group_name = "prod"
  location            = "westeurope"
  version             = "12.0"
}

resource "azurerm_mssql_server" "bad" {
  name                = "acme-sql"
  resource_group_name = "prod"
  location            = "westeurope"
  version             = "12.0"
  minimum_tls_version = "1.0"
}
