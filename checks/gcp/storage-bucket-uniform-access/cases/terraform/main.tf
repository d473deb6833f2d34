resource "google_storage_bucket" "good" {
  name     = "acme-data"
  location = "EU"
  uniform_bucket_level_access = true
}

resource "google_storage_bucket" "bad" {
  name     = "acme-data"
  location = "EU"
}
