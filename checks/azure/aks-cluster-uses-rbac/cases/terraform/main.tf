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
  role_based_access_control_enabled = false
}

# azurerm 2.x syntax
resource "azurerm_kubernetes_cluster" "legacy_rbac_off" {
  name                = "legacy"
  location            = "westeurope"
  resource_group_name = "rg"
  dns_prefix          = "legacy"
  default_node_pool {
    name       = "default"
    node_count = 1
    vm_size    = "Standard_D2_v2"
  }
  role_based_access_control {
    enabled = false
  }
}
