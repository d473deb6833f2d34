resource "azurerm_managed_disk" "good" {
  name                   = "data"
  location               = "westeurope"
  resource_group_name    = "prod"
  storage_account_type   = "Premium_LRS"
  create_option          = "Empty"
  disk_size_gb           = 128
  disk_encryption_set_id = "des-1"
}

resource "azurerm_managed_disk" "bad" {
  name                 = "scratch"
  location             = "westeurope"
  resource_group_name  = "prod"
  storage_account_type = "Standard_LRS"
  create_option        = "Empty"
  disk_size_gb         = 64
}
