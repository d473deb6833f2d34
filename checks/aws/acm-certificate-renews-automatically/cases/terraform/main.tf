resource "aws_acm_certificate" "good" {
  domain_name               = "app.acme.example"
  subject_alternative_names = ["api.acme.example"]
  validation_method         = "DNS"
  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_acm_certificate" "private" {
  domain_name               = "internal.acme.example"
  certificate_authority_arn = "arn:aws:acm-pca:eu-west-1:111122223333:certificate-authority/1f2e3d4c-aaaa-bbbb-cccc-1234567890ab"
}

resource "aws_acm_certificate" "bad" {
  domain_name       = "legacy.acme.example"
  validation_method = "EMAIL"
}

variable "legacy_cert_pem" {
  type    = string
  default = ""
}

variable "legacy_key_pem" {
  type      = string
  default   = ""
  sensitive = true
}

resource "aws_acm_certificate" "imported" {
  certificate_body = var.legacy_cert_pem
  private_key      = var.legacy_key_pem
}
