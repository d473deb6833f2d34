resource azurerm_app_service_plan "main" {
  name                = "acmegoat-plan-${var.environment}"
  location            = azurerm_resource_group.main.location
  resource_group_name = azurerm_resource_group.main.name

  sku {
    tier = "Dynamic"
    size = "S1"
  }
}

# plain HTTP allowed, TLS 1.0
resource azurerm_app_service "portal" {
  app_service_plan_id = azurerm_app_service_plan.main.id
  location            = var.location
  name                = "acmegoat-portal-${var.environment}${random_integer.suffix.result}"
  resource_group_name = azurerm_resource_group.main.name
  https_only          = false
  site_config {
    min_tls_version = "1.0"
  }
}

# HTTPS only, but authentication switched off
resource azurerm_app_service "api" {
  app_service_plan_id = azurerm_app_service_plan.main.id
  location            = var.location
  name                = "acmegoat-api-${var.environment}${random_integer.suffix.result}"
  resource_group_name = azurerm_resource_group.main.name
  https_only          = true

  auth_settings {
    enabled = false
  }
}
