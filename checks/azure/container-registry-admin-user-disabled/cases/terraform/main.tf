resource "azurerm_container_registry" "good" {
  name                = "acmeprod"
  resource_group_name = "prod"
  location            = "westeurope"
  sku                 = "Premium"
}

resource "azurerm_container_registry" "bad" {
  name                = "acmedev"
  resource_group_name = "prod"
  location            = "westeurope"
  sku                 = "Basic"
  admin_enabled       = true
}
