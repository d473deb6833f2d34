resource "azurerm_kubernetes_cluster" "good" {
  name                = "prod"
  resource_group_name = "prod"
  location            = "westeurope"
  dns_prefix          = "prod"
  default_node_pool {
    name       = "system"
    node_count = 3
    vm_size    = "Standard_D4s_v5"
  }
  identity {
    type = "SystemAssigned"
  }
  local_account_disabled = true
}

resource "azurerm_kubernetes_cluster" "bad" {
  name                = "prod"
  resource_group_name = "prod"
  location            = "westeurope"
  dns_prefix          = "prod"
  default_node_pool {
    name       = "system"
    node_count = 3
    vm_size    = "Standard_D4s_v5"
  }
  identity {
    type = "SystemAssigned"
  }
}
