resource "google_sql_database_instance" "good" {
  name             = "orders"
  database_version = "POSTGRES_15"
  region           = "europe-west1"
  settings {
    tier = "db-custom-2-7680"
    database_flags {
      name  = "log_connections"
      value = "on"
    }
  }
}

resource "google_sql_database_instance" "bad" {
  name             = "orders"
  database_version = "POSTGRES_15"
  region           = "europe-west1"
  settings {
    tier = "db-custom-2-7680"
  }
}
