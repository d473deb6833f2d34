resource "google_container_cluster" "good" {
  name     = "prod"
  location = "europe-west1"
}

resource "google_container_cluster" "bad" {
  name     = "prod"
  location = "europe-west1"
  enable_legacy_abac = true
}
