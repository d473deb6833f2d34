resource "google_container_node_pool" "good" {
  name    = "default"
  cluster = "prod"
}

resource "google_container_node_pool" "bad" {
  name    = "pinned"
  cluster = "prod"
  management {
    auto_upgrade = false
  }
}
