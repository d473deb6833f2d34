resource "aws_config_configuration_recorder_status" "good" {
  name       = "main"
  is_enabled = true
}

resource "aws_config_configuration_recorder_status" "bad" {
  name       = "partial"
  is_enabled = false
}
