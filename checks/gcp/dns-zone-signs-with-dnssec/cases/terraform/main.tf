resource "google_dns_managed_zone" "good" {
  name     = "example"
  dns_name = "example.com."
  dnssec_config {
    state = "on"
  }
}

resource "google_dns_managed_zone" "bad" {
  name     = "example-dev"
  dns_name = "dev.example.com."
}
