resource "azurerm_network_watcher_flow_log" "good" {
  network_watcher_name      = "watcher"
  resource_group_name       = "rg"
  network_security_group_id = "nsg-good"
  storage_account_id        = "sa"
  enabled                   = true
  retention_policy {
    enabled = true
    days    = 90
  }
}

resource "azurerm_network_watcher_flow_log" "bad" {
  network_watcher_name      = "watcher"
  resource_group_name       = "rg"
  network_security_group_id = "nsg-bad"
  storage_account_id        = "sa"
  enabled                   = false
  retention_policy {
    enabled = false
    days    = 10
  }
}

resource "azurerm_network_watcher_flow_log" "short" {
  network_watcher_name      = "watcher"
  resource_group_name       = "rg"
  network_security_group_id = "nsg-short"
  storage_account_id        = "sa"
  enabled                   = true
  retention_policy {
    enabled = true
    days    = 7
  }
}
