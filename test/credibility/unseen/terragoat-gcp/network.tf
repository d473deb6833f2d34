resource "google_compute_network" "main" {
  name                    = "acmegoat-${var.environment}-network"
  description             = "vulnerable-by-design network"
  auto_create_subnetworks = false
}

# no flow logs, no private Google access
resource "google_compute_subnetwork" "public" {
  name          = "acmegoat-${var.environment}-public"
  ip_cidr_range = "10.0.0.0/24"
  region        = var.region
  network       = google_compute_network.main.id

  secondary_ip_range {
    range_name    = "pods"
    ip_cidr_range = "192.168.10.0/24"
  }
}

# every TCP port open to the internet
resource "google_compute_firewall" "allow_all" {
  name          = "acmegoat-${var.environment}-allow-all"
  network       = google_compute_network.main.id
  source_ranges = ["0.0.0.0/0"]
  allow {
    protocol = "tcp"
    ports    = ["0-65535"]
  }
}
