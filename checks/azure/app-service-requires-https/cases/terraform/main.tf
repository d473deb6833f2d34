resource "azurerm_linux_web_app" "good" {
  name                = "acme-api"
  location            = "westeurope"
  resource_group_name = "prod"
  service_plan_id     = "plan-1"
  site_config {
  }
  https_only          = true
}

resource "azurerm_linux_web_app" "bad" {
  name                = "acme-api"
  location            = "westeurope"
  resource_group_name = "prod"
  service_plan_id     = "plan-1"
  site_config {
  }
}

resource "azurerm_app_service" "legacy_http" {
  name                = "legacy-http"
  location            = "westeurope"
  resource_group_name = "rg"
  app_service_plan_id = "plan"
  https_only          = false
}

resource "azurerm_app_service" "legacy_https" {
  name                = "legacy-https"
  location            = "westeurope"
  resource_group_name = "rg"
  app_service_plan_id = "plan"
  https_only          = true
}
