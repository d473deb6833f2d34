resource "aws_ssm_parameter" "good" {
  name  = "/orders/db/password"
  type  = "SecureString"
  value = "set-outside-terraform"
}

resource "aws_ssm_parameter" "bad" {
  name  = "/orders/api/token"
  type  = "String"
  value = "placeholder"
}
