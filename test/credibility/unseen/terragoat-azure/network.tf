resource "azurerm_virtual_network" "main" {
  name                = "acmegoat-vn-${var.environment}"
  address_space       = ["10.0.0.0/16"]
  location            = azurerm_resource_group.main.location
  resource_group_name = azurerm_resource_group.main.name
}

resource "azurerm_subnet" "main" {
  name                 = "acmegoat-${var.environment}"
  resource_group_name  = azurerm_resource_group.main.name
  virtual_network_name = azurerm_virtual_network.main.name
  address_prefixes     = ["10.0.0.0/24"]
}

resource "azurerm_network_interface" "linux" {
  name                = "acmegoat-linux-${var.environment}"
  location            = azurerm_resource_group.main.location
  resource_group_name = azurerm_resource_group.main.name

  ip_configuration {
    name                          = "internal"
    subnet_id                     = azurerm_subnet.main.id
    private_ip_address_allocation = "Dynamic"
  }
}

# SSH and RDP from any address
resource azurerm_network_security_group "open_admin" {
  location            = var.location
  name                = "acmegoat-${var.environment}"
  resource_group_name = azurerm_resource_group.main.name

  security_rule {
    access                     = "Allow"
    direction                  = "Inbound"
    name                       = "AllowSSH"
    priority                   = 200
    protocol                   = "TCP"
    source_address_prefix      = "*"
    source_port_range          = "*"
    destination_port_range     = "22-22"
    destination_address_prefix = "*"
  }

  security_rule {
    access                     = "Allow"
    direction                  = "Inbound"
    name                       = "AllowRDP"
    priority                   = 300
    protocol                   = "TCP"
    source_address_prefix      = "*"
    source_port_range          = "*"
    destination_port_range     = "3389-3389"
    destination_address_prefix = "*"
  }
}

resource azurerm_network_watcher "main" {
  location            = var.location
  name                = "acmegoat-watcher-${var.environment}"
  resource_group_name = azurerm_resource_group.main.name
}

# flow log switched off, retention off
resource azurerm_network_watcher_flow_log "open_admin" {
  enabled                   = false
  network_security_group_id = azurerm_network_security_group.open_admin.id
  network_watcher_name      = azurerm_network_watcher.main.name
  resource_group_name       = azurerm_resource_group.main.name
  storage_account_id        = azurerm_storage_account.main.id
  retention_policy {
    enabled = false
    days    = 10
  }
}
