variable "jump_admin_password" {
  type      = string
  sensitive = true
}

resource "azurerm_network_security_group" "jump" {
  name                = "shop-prod-jump"
  location            = "westeurope"
  resource_group_name = "shop-prod"
}

resource "azurerm_network_security_rule" "jump_ssh" {
  name                        = "ssh-from-anywhere"
  priority                    = 100
  direction                   = "Inbound"
  access                      = "Allow"
  protocol                    = "Tcp"
  source_port_range           = "*"
  destination_port_range      = "22"
  source_address_prefix       = "Internet"
  destination_address_prefix  = "*"
  resource_group_name         = "shop-prod"
  network_security_group_name = azurerm_network_security_group.jump.name
}

resource "azurerm_linux_virtual_machine" "api" {
  name                       = "shop-prod-api-1"
  resource_group_name        = "shop-prod"
  location                   = "westeurope"
  size                       = "Standard_D2s_v5"
  admin_username             = "azureuser"
  encryption_at_host_enabled = true
  network_interface_ids      = ["/subscriptions/0000/resourceGroups/shop-prod/providers/Microsoft.Network/networkInterfaces/api-1"]
  admin_ssh_key {
    username   = "azureuser"
    public_key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExampleOnlyKeyForTheSuite shop-ops"
  }
  os_disk {
    caching              = "ReadWrite"
    storage_account_type = "Premium_LRS"
  }
}

resource "azurerm_linux_virtual_machine" "jump" {
  name                            = "shop-prod-jump"
  resource_group_name             = "shop-prod"
  location                        = "westeurope"
  size                            = "Standard_B2s"
  admin_username                  = "jumpadmin"
  admin_password                  = var.jump_admin_password
  disable_password_authentication = false
  network_interface_ids           = ["/subscriptions/0000/resourceGroups/shop-prod/providers/Microsoft.Network/networkInterfaces/jump"]
  os_disk {
    caching              = "ReadWrite"
    storage_account_type = "Standard_LRS"
  }
}
