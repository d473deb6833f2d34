resource "azurerm_monitor_diagnostic_setting" "good" {
  name                       = "activity"
  target_resource_id         = "/subscriptions/0000"
  log_analytics_workspace_id = "/subscriptions/0000/resourceGroups/ops/providers/Microsoft.OperationalInsights/workspaces/main"
  enabled_log {
    category = "Administrative"
  }
}

resource "azurerm_monitor_diagnostic_setting" "bad" {
  name               = "activity-nowhere"
  target_resource_id = "/subscriptions/0000"
  enabled_log {
    category = "Administrative"
  }
}
