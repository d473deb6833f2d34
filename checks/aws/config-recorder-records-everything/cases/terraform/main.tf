resource "aws_config_configuration_recorder" "good" {
  name     = "main"
  role_arn = "arn:aws:iam::111122223333:role/config"
}

resource "aws_config_configuration_recorder" "bad" {
  name     = "partial"
  role_arn = "arn:aws:iam::111122223333:role/config"
  recording_group {
    all_supported  = false
    resource_types = ["AWS::EC2::Instance"]
  }
}
