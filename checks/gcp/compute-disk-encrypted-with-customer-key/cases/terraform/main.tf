resource "google_kms_crypto_key" "disks" {
  name     = "disks"
  key_ring = "projects/acme/locations/us/keyRings/main"
}

resource "google_compute_disk" "good" {
  name = "data-good"
  zone = "us-west1-a"
  disk_encryption_key {
    kms_key_self_link = "projects/acme/locations/us/keyRings/main/cryptoKeys/disks"
  }
}

# Inside a block, a key known only after apply leaves the verdict open.
resource "google_compute_disk" "key_after_apply" {
  name = "data-later"
  zone = "us-west1-a"
  disk_encryption_key {
    kms_key_self_link = google_kms_crypto_key.disks.id
  }
}

resource "google_compute_disk" "bad" {
  name = "data-bad"
  zone = "us-west1-a"
}
