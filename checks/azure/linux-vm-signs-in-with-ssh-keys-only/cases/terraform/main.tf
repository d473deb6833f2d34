resource "azurerm_linux_virtual_machine" "good" {
  name                  = "acme-api-1"
  resource_group_name   = "acme-prod"
  location              = "westeurope"
  size                  = "Standard_D2s_v5"
  admin_username        = "azureuser"
  network_interface_ids = ["/subscriptions/0000/resourceGroups/acme-prod/providers/Microsoft.Network/networkInterfaces/api-1"]
  admin_ssh_key {
    username   = "azureuser"
    public_key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKs1example acme-ops"
  }
  os_disk {
    caching              = "ReadWrite"
    storage_account_type = "Premium_LRS"
  }
  source_image_reference {
    publisher = "Canonical"
    offer     = "0001-com-ubuntu-server-jammy"
    sku       = "22_04-lts-gen2"
    version   = "latest"
  }
}

variable "jump_password" {
  type      = string
  sensitive = true
  default   = "placeholder-not-a-secret"
}

resource "azurerm_linux_virtual_machine" "bad" {
  name                            = "acme-jump"
  resource_group_name             = "acme-prod"
  location                        = "westeurope"
  size                            = "Standard_B2s"
  admin_username                  = "jumpadmin"
  admin_password                  = var.jump_password
  disable_password_authentication = false
  network_interface_ids           = ["/subscriptions/0000/resourceGroups/acme-prod/providers/Microsoft.Network/networkInterfaces/jump"]
  os_disk {
    caching              = "ReadWrite"
    storage_account_type = "Standard_LRS"
  }
  source_image_reference {
    publisher = "Canonical"
    offer     = "0001-com-ubuntu-server-jammy"
    sku       = "22_04-lts-gen2"
    version   = "latest"
  }
}

resource "azurerm_virtual_machine" "legacy_bad" {
  name                  = "acme-legacy"
  location              = "westeurope"
  resource_group_name   = "acme-prod"
  network_interface_ids = ["/subscriptions/0000/resourceGroups/acme-prod/providers/Microsoft.Network/networkInterfaces/legacy"]
  vm_size               = "Standard_B2s"
  storage_os_disk {
    name              = "legacy-os"
    create_option     = "FromImage"
    managed_disk_type = "Standard_LRS"
  }
  os_profile {
    computer_name  = "legacy"
    admin_username = "legacyadmin"
    admin_password = var.jump_password
  }
  os_profile_linux_config {
    disable_password_authentication = false
  }
}
