resource "google_project_iam_member" "good" {
  project = "acme-prod"
  role    = "roles/logging.viewer"
  member  = "group:sre@example.com"
}

resource "google_project_iam_member" "bad" {
  project = "acme-prod"
  role    = "roles/storage.objectViewer"
  member  = "allUsers"
}

resource "google_project_iam_binding" "good_binding" {
  project = "acme-prod"
  role    = "roles/cloudsql.client"
  members = ["serviceAccount:api@acme-prod.iam.gserviceaccount.com"]
}

resource "google_project_iam_binding" "bad_binding" {
  project = "acme-prod"
  role    = "roles/viewer"
  members = ["group:sre@example.com", "allAuthenticatedUsers"]
}
