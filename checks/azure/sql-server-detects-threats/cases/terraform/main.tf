resource "azurerm_mssql_server" "good" {
  name                         = "sql-good"
  resource_group_name          = "rg"
  location                     = "westeurope"
  version                      = "12.0"
  administrator_login          = "dbadmin"
  administrator_login_password = var.sql_password
}

resource "azurerm_mssql_server_security_alert_policy" "good" {
  resource_group_name = "rg"
  server_name         = azurerm_mssql_server.good.name
  state               = "Enabled"
}

resource "azurerm_mssql_server" "bad" {
  name                         = "sql-bad"
  resource_group_name          = "rg"
  location                     = "westeurope"
  version                      = "12.0"
  administrator_login          = "dbadmin"
  administrator_login_password = var.sql_password
}

resource "azurerm_sql_server" "legacy_good" {
  name                         = "sql-legacy"
  resource_group_name          = "rg"
  location                     = "westeurope"
  version                      = "12.0"
  administrator_login          = "dbadmin"
  administrator_login_password = var.sql_password
  threat_detection_policy {
    state = "Enabled"
  }
}

variable "sql_password" {
  type      = string
  sensitive = true
}
