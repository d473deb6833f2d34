resource "azurerm_key_vault_key" "good" {
  name            = "orders"
  key_vault_id    = "kv-1"
  key_type        = "RSA"
  key_size        = 2048
  key_opts        = ["wrapKey", "unwrapKey"]
  expiration_date = "2027-06-30T00:00:00Z"
}

resource "azurerm_key_vault_key" "bad" {
  name         = "legacy"
  key_vault_id = "kv-1"
  key_type     = "RSA"
  key_size     = 2048
  key_opts     = ["wrapKey", "unwrapKey"]
}
