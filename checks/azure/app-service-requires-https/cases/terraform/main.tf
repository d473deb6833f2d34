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
