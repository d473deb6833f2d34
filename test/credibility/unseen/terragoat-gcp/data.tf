# Postgres reachable from any address over its public IP, no backups, TLS not required
resource "google_sql_database_instance" "reports" {
  name             = "acmegoat-${var.environment}-reports"
  database_version = "POSTGRES_11"
  region           = var.region

  settings {
    tier = "db-f1-micro"
    ip_configuration {
      ipv4_enabled = true
      authorized_networks {
        name  = "anywhere"
        value = "0.0.0.0/0"
      }
    }
    backup_configuration {
      enabled = false
    }
  }
}

# readable by every Google account
resource "google_bigquery_dataset" "events" {
  dataset_id = "acmegoat_${var.environment}_events"
  access {
    special_group = "allAuthenticatedUsers"
    role          = "READER"
  }
  labels = {
    owner = "data"
  }
}
