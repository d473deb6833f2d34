resource "aws_kms_key" "good" {
  description = "orders"
}

resource "aws_kms_key" "bad" {
  description             = "scratch"
  deletion_window_in_days = 7
}
