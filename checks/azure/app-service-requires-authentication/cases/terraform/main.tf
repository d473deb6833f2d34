resource "azurerm_linux_web_app" "good" {
  name                = "portal"
  location            = "westeurope"
  resource_group_name = "rg"
  service_plan_id     = "plan"
  site_config {}
  auth_settings_v2 {
    auth_enabled           = true
    require_authentication = true
    login {}
    active_directory_v2 {
      client_id            = "00000000-0000-0000-0000-000000000000"
      tenant_auth_endpoint = "https://login.microsoftonline.com/tenant/v2.0"
    }
  }
}

resource "azurerm_app_service" "bad" {
  name                = "api"
  location            = "westeurope"
  resource_group_name = "rg"
  app_service_plan_id = "plan"
  auth_settings {
    enabled = false
  }
}
