locals {
  name_prefix = "acme-insights-${var.environment}"

  confidential = {
    data-classification = "confidential"
  }
}
