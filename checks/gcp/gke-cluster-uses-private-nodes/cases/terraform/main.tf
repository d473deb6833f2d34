resource "google_container_cluster" "good" {
  name     = "prod"
  location = "europe-west1"
  private_cluster_config {
    enable_private_nodes    = true
    enable_private_endpoint = false
    master_ipv4_cidr_block  = "172.16.0.0/28"
  }
}

resource "google_container_cluster" "bad" {
  name     = "prod"
  location = "europe-west1"
}
