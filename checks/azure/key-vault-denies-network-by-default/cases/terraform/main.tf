resource "azurerm_key_vault" "good" {
  name                = "acme-prod"
  location            = "westeurope"
  resource_group_name = "prod"
  tenant_id           = "00000000-0000-0000-0000-000000000000"
  sku_name            = "standard"
  network_acls {
    default_action = "Deny"
    bypass         = "AzureServices"
  }
}

resource "azurerm_key_vault" "bad" {
  name                = "acme-prod"
  location            = "westeurope"
  resource_group_name = "prod"
  tenant_id           = "00000000-0000-0000-0000-000000000000"
  sku_name            = "standard"
}
