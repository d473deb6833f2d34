resource "google_compute_subnetwork" "good" {
  name          = "app"
  network       = "main"
  ip_cidr_range = "10.0.0.0/20"
  log_config {
    aggregation_interval = "INTERVAL_5_SEC"
    flow_sampling        = 0.5
  }
}

resource "google_compute_subnetwork" "bad" {
  name          = "batch"
  network       = "main"
  ip_cidr_range = "10.1.0.0/20"
}
