resource "azurerm_key_vault_key" "good" {
  name         = "orders"
  key_vault_id = "kv-1"
  key_type     = "RSA"
  key_size     = 2048
  key_opts     = ["wrapKey", "unwrapKey"]
  rotation_policy {
    expire_after         = "P90D"
    notify_before_expiry = "P29D"
    automatic {
      time_before_expiry = "P30D"
    }
  }
}

resource "azurerm_key_vault_key" "bad" {
  name         = "legacy"
  key_vault_id = "kv-1"
  key_type     = "RSA"
  key_size     = 2048
  key_opts     = ["wrapKey", "unwrapKey"]
}
