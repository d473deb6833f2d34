resource "azurerm_mssql_firewall_rule" "good" {
  name             = "office"
  server_id        = "sql-1"
  start_ip_address = "203.0.113.10"
  end_ip_address   = "203.0.113.20"
}

resource "azurerm_mssql_firewall_rule" "bad" {
  name             = "anyone"
  server_id        = "sql-1"
  start_ip_address = "0.0.0.0"
  end_ip_address   = "255.255.255.255"
}
