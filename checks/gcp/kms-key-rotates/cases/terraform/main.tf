resource "google_kms_crypto_key" "good" {
  name            = "orders"
  key_ring        = "projects/acme/locations/europe/keyRings/main"
  rotation_period = "7776000s"
}

resource "google_kms_crypto_key" "bad" {
  name     = "legacy"
  key_ring = "projects/acme/locations/europe/keyRings/main"
}
