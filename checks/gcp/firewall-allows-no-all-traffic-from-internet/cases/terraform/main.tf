resource "google_compute_firewall" "good" {
  name    = "allow-https"
  network = "main"
  source_ranges = ["0.0.0.0/0"]
  allow {
    protocol = "tcp"
    ports    = ["443"]
  }
}

resource "google_compute_firewall" "bad" {
  name    = "allow-everything"
  network = "main"
  source_ranges = ["0.0.0.0/0"]
  allow {
    protocol = "all"
  }
}

resource "google_compute_firewall" "no_source" {
  name    = "allow-all-unsourced"
  network = "main"
  allow {
    protocol = "all"
  }
}
