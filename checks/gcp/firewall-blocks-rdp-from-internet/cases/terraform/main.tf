resource "google_compute_firewall" "good" {
  name    = "allow-rdp-iap"
  network = "main"
  source_ranges = ["35.235.240.0/20"]
  allow {
    protocol = "tcp"
    ports    = ["3389"]
  }
}

resource "google_compute_firewall" "bad" {
  name    = "allow-rdp-any"
  network = "main"
  source_ranges = ["0.0.0.0/0"]
  allow {
    protocol = "tcp"
    ports    = ["3379-3399"]
  }
}
