module github.com/acme-analytics/insights/services/ingest

go 1.25
