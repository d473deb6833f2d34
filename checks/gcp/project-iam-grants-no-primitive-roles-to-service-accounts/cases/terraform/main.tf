resource "google_project_iam_member" "good" {
  project = "acme-prod"
  role    = "roles/cloudsql.client"
  member  = "serviceAccount:api@acme-prod.iam.gserviceaccount.com"
}

resource "google_project_iam_member" "bad" {
  project = "acme-prod"
  role    = "roles/editor"
  member  = "serviceAccount:ci-deployer@acme-prod.iam.gserviceaccount.com"
}

resource "google_project_iam_binding" "bad_binding" {
  project = "acme-prod"
  role    = "roles/owner"
  members = ["group:admins@example.com", "serviceAccount:terraform@acme-prod.iam.gserviceaccount.com"]
}
