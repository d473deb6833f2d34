resource "google_container_node_pool" "good" {
  name    = "default"
  cluster = "prod"
  node_config {
    shielded_instance_config {
      enable_secure_boot = true
    }
  }
}

resource "google_container_node_pool" "bad" {
  name    = "legacy"
  cluster = "prod"
}
