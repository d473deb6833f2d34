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

resource "azurerm_sql_server" "legacy_unaudited" {
  name                         = "legacy-unaudited"
  resource_group_name          = "rg"
  location                     = "westeurope"
  version                      = "12.0"
  administrator_login          = "dbadmin"
  administrator_login_password = var.sql_password
}

resource "azurerm_sql_server" "legacy_audited" {
  name                         = "legacy-audited"
  resource_group_name          = "rg"
  location                     = "westeurope"
  version                      = "12.0"
  administrator_login          = "dbadmin"
  administrator_login_password = var.sql_password
  extended_auditing_policy {
    storage_endpoint           = "https://auditlogs.blob.core.windows.net/"
    retention_in_days          = 90
  }
}

variable "sql_password" {
  type      = string
  sensitive = true
}
