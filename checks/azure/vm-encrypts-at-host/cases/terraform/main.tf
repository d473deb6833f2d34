resource "azurerm_linux_virtual_machine" "good" {
  name                       = "acme-api-1"
  resource_group_name        = "acme-prod"
  location                   = "westeurope"
  size                       = "Standard_D2s_v5"
  admin_username             = "azureuser"
  encryption_at_host_enabled = true
  network_interface_ids      = ["/subscriptions/0000/resourceGroups/acme-prod/providers/Microsoft.Network/networkInterfaces/api-1"]
  admin_ssh_key {
    username   = "azureuser"
    public_key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKs1example acme-ops"
  }
  os_disk {
    caching              = "ReadWrite"
    storage_account_type = "Premium_LRS"
  }
}

resource "azurerm_windows_virtual_machine" "bad" {
  name                  = "acme-reports"
  resource_group_name   = "acme-prod"
  location              = "westeurope"
  size                  = "Standard_D4s_v5"
  admin_username        = "reportsadmin"
  admin_password        = "placeholder-not-a-secret"
  network_interface_ids = ["/subscriptions/0000/resourceGroups/acme-prod/providers/Microsoft.Network/networkInterfaces/reports"]
  os_disk {
    caching              = "ReadWrite"
    storage_account_type = "Premium_LRS"
  }
}
