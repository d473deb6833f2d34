resource "azurerm_network_security_group" "good" {
  name                = "app"
  location            = "westeurope"
  resource_group_name = "prod"
  security_rule {
    name                       = "https"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "443"
    source_address_prefix      = "*"
    destination_address_prefix = "*"
  }
}

resource "azurerm_network_security_group" "bad" {
  name                = "jump"
  location            = "westeurope"
  resource_group_name = "prod"
  security_rule {
    name                       = "rdp"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "3380-3390"
    source_address_prefix      = "0.0.0.0/0"
    destination_address_prefix = "*"
  }
}
