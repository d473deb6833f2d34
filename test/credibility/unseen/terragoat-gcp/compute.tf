data "google_compute_zones" "zones" {}

# public IP, IP forwarding, project SSH keys allowed, OS Login off, serial port on
resource "google_compute_instance" "jump" {
  machine_type = "n1-standard-1"
  name         = "acmegoat-${var.environment}-jump"
  zone         = data.google_compute_zones.zones.names[0]
  boot_disk {
    initialize_params {
      image = "debian-cloud/debian-9"
    }
    auto_delete = true
  }
  network_interface {
    subnetwork = google_compute_subnetwork.public.name
    access_config {}
  }
  can_ip_forward = true

  metadata = {
    block-project-ssh-keys = false
    enable-oslogin         = false
    serial-port-enable     = true
  }
  labels = {
    owner = "platform"
  }
}

# encrypted only with Google-managed keys
resource "google_compute_disk" "scratch" {
  name = "acmegoat-${var.environment}-scratch"
  labels = {
    owner = "platform"
  }
}
