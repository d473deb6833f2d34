resource "azurerm_mssql_server" "good" {
  name                = "acme-sql"
  resource_group_name = "prod"
  location            = "westeurope"
  version             = "12.0"
}

resource "azurerm_mssql_server" "bad" {
  name                = "acme-sql-test"
  resource_group_name = "prod"
  location            = "westeurope"
  version             = "12.0"
}

resource "azurerm_mssql_server_extended_auditing_policy" "good" {
  server_id              = azurerm_mssql_server.good.id
  log_monitoring_enabled = true
}
