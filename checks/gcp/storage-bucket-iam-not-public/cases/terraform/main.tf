resource "google_storage_bucket_iam_member" "good" {
  bucket = "acme-data"
  role   = "roles/storage.objectViewer"
  member = "group:analysts@example.com"
}

resource "google_storage_bucket_iam_binding" "bad" {
  bucket = "acme-site"
  role   = "roles/storage.objectViewer"
  members = ["allUsers"]
}
