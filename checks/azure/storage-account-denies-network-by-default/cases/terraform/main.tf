resource "azurerm_storage_account" "good" {
  name                     = "acmedata"
  resource_group_name      = "prod"
  location                 = "westeurope"
  account_tier             = "Standard"
  account_replication_type = "ZRS"
  network_rules {
    default_action             = "Deny"
    virtual_network_subnet_ids = ["/subscriptions/0000/resourceGroups/prod/providers/Microsoft.Network/virtualNetworks/main/subnets/app"]
  }
}

resource "azurerm_storage_account" "bad" {
  name                     = "acmedata"
  resource_group_name      = "prod"
  location                 = "westeurope"
  account_tier             = "Standard"
  account_replication_type = "ZRS"
}
