resource "azurerm_kubernetes_cluster" "good" {
  name                = "good"
  location            = "westeurope"
  resource_group_name = "rg"
  dns_prefix          = "good"
  default_node_pool {
    name       = "default"
    node_count = 1
    vm_size    = "Standard_D2_v2"
  }
}

resource "azurerm_kubernetes_cluster" "bad" {
  name                = "bad"
  location            = "westeurope"
  resource_group_name = "rg"
  dns_prefix          = "bad"
  default_node_pool {
    name       = "default"
    node_count = 1
    vm_size    = "Standard_D2_v2"
  }
  addon_profile {
    kube_dashboard {
      enabled = true
    }
  }
}
