resource "google_storage_bucket" "good" {
  name     = "acme-data"
  location = "EU"
  logging {
    log_bucket = "acme-logs"
  }
}

resource "google_storage_bucket" "bad" {
  name     = "acme-data"
  location = "EU"
}
