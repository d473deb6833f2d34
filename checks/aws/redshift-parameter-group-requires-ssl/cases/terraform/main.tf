resource "aws_redshift_parameter_group" "good" {
  name   = "secure"
  family = "redshift-1.0"
  parameter {
    name  = "require_ssl"
    value = "true"
  }
}

resource "aws_redshift_parameter_group" "bad" {
  name   = "default-like"
  family = "redshift-1.0"
  parameter {
    name  = "enable_user_activity_logging"
    value = "true"
  }
}
