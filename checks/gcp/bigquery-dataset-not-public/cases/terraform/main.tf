resource "google_bigquery_dataset" "good" {
  dataset_id = "orders"
  access {
    role          = "READER"
    group_by_email = "analysts@example.com"
  }
}

resource "google_bigquery_dataset" "bad" {
  dataset_id = "public_stats"
  access {
    role          = "READER"
    special_group = "allAuthenticatedUsers"
  }
}
