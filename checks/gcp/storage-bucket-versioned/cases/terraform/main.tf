resource "google_storage_bucket" "good" {
  name     = "acme-data"
  location = "EU"
  versioning {
    enabled = true
  }
}

resource "google_storage_bucket" "bad" {
  name     = "acme-data"
  location = "EU"
}
