resource "aws_acm_certificate" "shop" {
  domain_name               = "shop.example.com"
  subject_alternative_names = ["www.shop.example.com"]
  validation_method         = "DNS"
  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_acm_certificate" "partners" {
  domain_name       = "partners.shop.example.com"
  validation_method = "EMAIL"
}

resource "aws_acm_certificate" "legacy_api" {
  domain_name       = "api-v1.shop.example.com"
  validation_method = "DNS"
  key_algorithm     = "RSA_1024"
}
