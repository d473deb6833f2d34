resource "azurerm_container_registry" "good" {
  name                          = "acmeprod"
  resource_group_name           = "prod"
  location                      = "westeurope"
  sku                           = "Premium"
  public_network_access_enabled = false
}

resource "azurerm_container_registry" "bad" {
  name                = "acmedev"
  resource_group_name = "prod"
  location            = "westeurope"
  sku                 = "Standard"
}
