locals {
  project = "shop-prod-281734"
}

resource "google_project_iam_binding" "owners" {
  project = local.project
  role    = "roles/owner"
  members = ["group:gcp-admins@example.com", "user:founder@example.com"]
}

resource "google_project_iam_member" "sre_logs" {
  project = local.project
  role    = "roles/logging.viewer"
  member  = "group:sre@example.com"
}

resource "google_project_iam_member" "ci_editor" {
  project = local.project
  role    = "roles/editor"
  member  = "serviceAccount:github-deployer@shop-prod-281734.iam.gserviceaccount.com"
}

resource "google_project_iam_member" "public_images" {
  project = local.project
  role    = "roles/storage.objectViewer"
  member  = "allUsers"
}
