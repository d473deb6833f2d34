resource "azurerm_key_vault_secret" "good" {
  name            = "orders-db"
  key_vault_id    = "kv-1"
  value_wo        = "set-outside-terraform"
  expiration_date = "2027-06-30T00:00:00Z"
}

resource "azurerm_key_vault_secret" "bad" {
  name         = "legacy-api"
  key_vault_id = "kv-1"
  value_wo     = "set-outside-terraform"
}
