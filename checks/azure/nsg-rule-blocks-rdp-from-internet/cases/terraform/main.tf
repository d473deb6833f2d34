resource "azurerm_network_security_rule" "good" {
  name                        = "allow-rdp-vpn"
  resource_group_name         = "prod"
  network_security_group_name = "app"
  priority                    = 100
  direction                   = "Inbound"
  access                      = "Allow"
  protocol                    = "Tcp"
  source_port_range           = "*"
  destination_port_range      = "3389"
  source_address_prefix       = "10.8.0.0/16"
  destination_address_prefix  = "*"
}

resource "azurerm_network_security_rule" "bad" {
  name                        = "allow-rdp-any"
  resource_group_name         = "prod"
  network_security_group_name = "app"
  priority                    = 110
  direction                   = "Inbound"
  access                      = "Allow"
  protocol                    = "*"
  source_port_range           = "*"
  destination_port_range      = "*"
  source_address_prefix       = "Internet"
  destination_address_prefix  = "*"
}
