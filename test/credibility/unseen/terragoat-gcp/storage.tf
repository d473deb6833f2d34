# website bucket: no uniform access, no versioning, no access logs
resource "google_storage_bucket" "website" {
  name          = "acmegoat-${var.environment}-site"
  location      = var.location
  force_destroy = true
  labels = {
    owner = "web"
  }
}

# every object readable by anyone on the internet
resource "google_storage_bucket_iam_binding" "public_read" {
  bucket  = google_storage_bucket.website.id
  members = ["allUsers"]
  role    = "roles/storage.objectViewer"
}
