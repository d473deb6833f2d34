resource "google_service_account_key" "good" {
  service_account_id = "projects/acme/serviceAccounts/ci@acme.iam.gserviceaccount.com"
  public_key_data    = "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t"
}

resource "google_service_account_key" "bad" {
  service_account_id = "projects/acme/serviceAccounts/etl@acme.iam.gserviceaccount.com"
}

resource "google_service_account_key" "from_file" {
  service_account_id = "projects/acme/serviceAccounts/ci@acme.iam.gserviceaccount.com"
  public_key_data    = filebase64("ci.pub")
}
