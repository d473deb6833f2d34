resource "google_container_node_pool" "good" {
  name    = "apps"
  cluster = "apps"
  node_config {
    machine_type = "e2-standard-4"
  }
}

resource "google_container_node_pool" "bad" {
  name    = "legacy"
  cluster = "apps"
  node_config {
    image_type = "Ubuntu"
  }
}
