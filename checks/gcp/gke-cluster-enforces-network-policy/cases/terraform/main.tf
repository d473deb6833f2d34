resource "google_container_cluster" "good" {
  name     = "prod"
  location = "europe-west1"
  datapath_provider = "ADVANCED_DATAPATH"
}

resource "google_container_cluster" "bad" {
  name     = "prod"
  location = "europe-west1"
}
