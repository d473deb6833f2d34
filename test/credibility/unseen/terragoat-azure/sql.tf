resource "azurerm_sql_firewall_rule" "office" {
  name                = "office"
  resource_group_name = azurerm_resource_group.main.name
  server_name         = azurerm_sql_server.main.name
  start_ip_address    = "40.112.8.12"
  end_ip_address      = "40.112.8.12"
}

# administrator password in the code, no auditing, public network access by default
resource "azurerm_sql_server" "main" {
  name                         = "acmegoat-sqlserver-${var.environment}"
  resource_group_name          = azurerm_resource_group.main.name
  location                     = azurerm_resource_group.main.location
  version                      = "12.0"
  administrator_login          = "dbadmin"
  administrator_login_password = "Bz98765432q"
  tags = {
    environment = var.environment
  }
}
