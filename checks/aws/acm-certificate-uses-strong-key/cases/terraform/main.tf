resource "aws_acm_certificate" "good" {
  domain_name       = "app.acme.example"
  validation_method = "DNS"
}

resource "aws_acm_certificate" "good_ec" {
  domain_name       = "api.acme.example"
  validation_method = "DNS"
  key_algorithm     = "EC_prime256v1"
}

resource "aws_acm_certificate" "bad" {
  domain_name       = "old.acme.example"
  validation_method = "DNS"
  key_algorithm     = "RSA_1024"
}
