resource "google_compute_firewall" "good" {
  name    = "allow-ssh-iap"
  network = "main"
  source_ranges = ["35.235.240.0/20"]
  allow {
    protocol = "tcp"
    ports    = ["22"]
  }
}

resource "google_compute_firewall" "bad" {
  name    = "allow-ssh-any"
  network = "main"
  source_ranges = ["0.0.0.0/0"]
  allow {
    protocol = "tcp"
    ports    = ["12-32"]
  }
}
