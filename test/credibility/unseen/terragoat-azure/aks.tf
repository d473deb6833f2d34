# no RBAC, no monitoring agent, dashboard on, API server open to any address, no network policy
resource azurerm_kubernetes_cluster "main" {
  dns_prefix          = "acmegoat-${var.environment}"
  location            = var.location
  name                = "acmegoat-aks-${var.environment}"
  resource_group_name = azurerm_resource_group.main.name
  identity {
    type = "SystemAssigned"
  }
  default_node_pool {
    name       = "default"
    vm_size    = "Standard_D2_v2"
    node_count = 2
  }
  addon_profile {
    oms_agent {
      enabled = false
    }
    kube_dashboard {
      enabled = true
    }
  }
  role_based_access_control {
    enabled = false
  }
}
