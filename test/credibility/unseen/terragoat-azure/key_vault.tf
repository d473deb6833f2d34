# no purge protection, network open by default
resource "azurerm_key_vault" "main" {
  name                = "acmegoat-kv-${var.environment}${random_integer.suffix.result}"
  location            = azurerm_resource_group.main.location
  resource_group_name = azurerm_resource_group.main.name
  tenant_id           = data.azurerm_client_config.current.tenant_id
  sku_name            = "premium"
  access_policy {
    tenant_id = data.azurerm_client_config.current.tenant_id
    object_id = data.azurerm_client_config.current.object_id
    key_permissions = [
      "create",
      "get",
    ]
    secret_permissions = [
      "set",
    ]
  }
  tags = merge({
    environment = var.environment
    }, {
    owner = "platform"
  })
}

# key without an expiry date
resource "azurerm_key_vault_key" "generated" {
  name         = "acmegoat-generated-${var.environment}"
  key_vault_id = azurerm_key_vault.main.id
  key_type     = "RSA"
  key_size     = 2048
  key_opts     = ["decrypt", "encrypt", "sign", "unwrapKey", "verify", "wrapKey"]
}

# secret without an expiry date or content type
resource "azurerm_key_vault_secret" "app" {
  key_vault_id = azurerm_key_vault.main.id
  name         = "acmegoat-secret-${var.environment}"
  value        = random_string.password.result
}
