resource "azurerm_linux_web_app" "good" {
  name                = "acme-api"
  location            = "westeurope"
  resource_group_name = "prod"
  service_plan_id     = "plan-1"
  site_config {
  }
}

resource "azurerm_linux_web_app" "bad" {
  name                = "acme-api"
  location            = "westeurope"
  resource_group_name = "prod"
  service_plan_id     = "plan-1"
  site_config {
    minimum_tls_version = "1.0"
  }
}

resource "azurerm_app_service" "legacy_tls10" {
  name                = "legacy-tls10"
  location            = "westeurope"
  resource_group_name = "rg"
  app_service_plan_id = "plan"
  site_config {
    min_tls_version = "1.0"
  }
}

resource "azurerm_app_service" "legacy_default" {
  name                = "legacy-default"
  location            = "westeurope"
  resource_group_name = "rg"
  app_service_plan_id = "plan"
}
