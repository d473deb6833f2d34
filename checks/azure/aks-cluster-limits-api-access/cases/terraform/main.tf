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
  api_server_access_profile {
    authorized_ip_ranges = ["203.0.113.0/24"]
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
}

resource "azurerm_kubernetes_cluster" "ranges_open_to_all" {
  name                = "open-ranges"
  location            = "westeurope"
  resource_group_name = "rg"
  dns_prefix          = "open-ranges"
  default_node_pool {
    name       = "default"
    node_count = 1
    vm_size    = "Standard_D2_v2"
  }
  api_server_access_profile {
    authorized_ip_ranges = ["203.0.113.0/24", "0.0.0.0/0"]
  }
}

# azurerm 2.x syntax
resource "azurerm_kubernetes_cluster" "legacy_ranges" {
  name                            = "legacy-ranges"
  location                        = "westeurope"
  resource_group_name             = "rg"
  dns_prefix                      = "legacy-ranges"
  api_server_authorized_ip_ranges = ["203.0.113.0/24"]
  default_node_pool {
    name       = "default"
    node_count = 1
    vm_size    = "Standard_D2_v2"
  }
}
