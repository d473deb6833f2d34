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

resource "google_compute_firewall" "bad_every_tcp_port" {
  name          = "allow-every-tcp-port"
  network       = "main"
  source_ranges = ["0.0.0.0/0"]
  allow {
    protocol = "tcp"
    ports    = ["0-65535"]
  }
}

resource "google_compute_firewall" "bad_udp_without_ports" {
  name          = "allow-every-udp-port"
  network       = "main"
  source_ranges = ["0.0.0.0/0"]
  allow {
    protocol = "udp"
  }
}

resource "google_compute_firewall" "good_port_range" {
  name          = "allow-app-range"
  network       = "main"
  source_ranges = ["0.0.0.0/0"]
  allow {
    protocol = "tcp"
    ports    = ["8000-8080"]
  }
}
