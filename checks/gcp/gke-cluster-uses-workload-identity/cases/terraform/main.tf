resource "google_container_cluster" "good" {
  name     = "prod"
  location = "europe-west1"
  workload_identity_config {
    workload_pool = "acme-prod.svc.id.goog"
  }
}

resource "google_container_cluster" "bad" {
  name     = "prod"
  location = "europe-west1"
}
