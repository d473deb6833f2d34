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

resource "google_project_iam_binding" "good_binding" {
  project = "acme-prod"
  role    = "roles/editor"
  members = ["serviceAccount:deployer@acme-prod.iam.gserviceaccount.com"]
}

resource "google_project_iam_binding" "bad_binding" {
  project = "acme-prod"
  role    = "roles/owner"
  members = ["group:platform@example.com", "user:carol@example.com"]
}
