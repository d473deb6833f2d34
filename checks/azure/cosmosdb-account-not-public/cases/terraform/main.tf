resource "azurerm_cosmosdb_account" "good" {
  name                          = "acme-docs"
  location                      = "westeurope"
  resource_group_name           = "prod"
  offer_type                    = "Standard"
  public_network_access_enabled = false
}

resource "azurerm_cosmosdb_account" "bad" {
  name                = "acme-docs-dev"
  location            = "westeurope"
  resource_group_name = "prod"
  offer_type          = "Standard"
}
