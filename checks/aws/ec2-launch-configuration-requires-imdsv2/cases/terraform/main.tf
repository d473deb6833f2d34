resource "aws_launch_configuration" "good" {
  name_prefix   = "web-"
  image_id      = "ami-0abc"
  instance_type = "t3.micro"
  metadata_options {
    http_tokens = "required"
  }
}

resource "aws_launch_configuration" "bad" {
  name_prefix   = "legacy-"
  image_id      = "ami-0abc"
  instance_type = "t3.micro"
}
