resource "azurerm_redis_cache" "good" {
  name                = "sessions"
  location            = "westeurope"
  resource_group_name = "prod"
  capacity            = 1
  family              = "C"
  sku_name            = "Standard"
}

resource "azurerm_redis_cache" "bad" {
  name                 = "legacy"
  location             = "westeurope"
  resource_group_name  = "prod"
  capacity             = 1
  family               = "C"
  sku_name             = "Standard"
  non_ssl_port_enabled = true
}
