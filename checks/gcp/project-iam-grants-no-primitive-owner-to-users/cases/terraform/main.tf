resource "google_project_iam_member" "good" {
  project = "acme-prod"
  role    = "roles/viewer"
  member  = "user:alice@example.com"
}

resource "google_project_iam_member" "bad" {
  project = "acme-prod"
  role    = "roles/owner"
  member  = "user:bob@example.com"
}
