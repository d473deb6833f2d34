resource "google_storage_bucket" "good" {
  name     = "acme-data"
  location = "EU"
  public_access_prevention = "enforced"
}

resource "google_storage_bucket" "bad" {
  name     = "acme-data"
  location = "EU"
}
