# disk without encryption settings, no customer key
resource "azurerm_managed_disk" "scratch" {
  name                 = "acmegoat-disk-${var.environment}"
  location             = var.location
  resource_group_name  = azurerm_resource_group.main.name
  storage_account_type = "Standard_LRS"
  create_option        = "Empty"
  disk_size_gb         = 1
  encryption_settings {
    enabled = false
  }
}

# open network by default, default TLS version, no soft delete for blobs
resource "azurerm_storage_account" "main" {
  name                     = "acmegoatsa${var.environment}${random_integer.suffix.result}"
  resource_group_name      = azurerm_resource_group.main.name
  location                 = azurerm_resource_group.main.location
  account_tier             = "Standard"
  account_replication_type = "GRS"
  queue_properties {
    logging {
      delete                = false
      read                  = false
      write                 = true
      version               = "1.0"
      retention_policy_days = 10
    }
  }
  enable_https_traffic_only = true
}
