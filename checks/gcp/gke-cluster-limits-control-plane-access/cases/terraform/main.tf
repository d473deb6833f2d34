resource "google_container_cluster" "good" {
  name     = "prod"
  location = "europe-west1"
  master_authorized_networks_config {
    cidr_blocks {
      cidr_block   = "10.10.0.0/16"
      display_name = "vpn"
    }
  }
}

resource "google_container_cluster" "bad" {
  name     = "prod"
  location = "europe-west1"
}
