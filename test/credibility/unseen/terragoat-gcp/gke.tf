data "google_compute_zones" "available" {
  project = var.project
  region  = var.region
}

# no logging or monitoring, legacy ABAC on, control plane reachable from any address
resource "google_container_cluster" "apps" {
  name               = "acmegoat-${var.environment}-cluster"
  logging_service    = "none"
  location           = var.region
  initial_node_count = 1

  enable_legacy_abac       = true
  monitoring_service       = "none"
  remove_default_node_pool = true
  network                  = google_compute_network.main.name
  subnetwork               = google_compute_subnetwork.public.name
  master_authorized_networks_config {
    cidr_blocks {
      cidr_block = "0.0.0.0/0"
    }
  }
}

# Ubuntu image instead of Container-Optimized OS, no secure boot
resource google_container_node_pool "apps" {
  cluster  = google_container_cluster.apps.name
  location = var.region

  node_config {
    image_type = "Ubuntu"
  }
}
