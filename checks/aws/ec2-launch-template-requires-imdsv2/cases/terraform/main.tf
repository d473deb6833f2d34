resource "aws_launch_template" "good" {
  name_prefix   = "web-"
  image_id      = "ami-0abc"
  instance_type = "t3.micro"
  metadata_options {
    http_endpoint = "enabled"
    http_tokens   = "required"
  }
}

resource "aws_launch_template" "bad" {
  name_prefix   = "batch-"
  image_id      = "ami-0abc"
  instance_type = "t3.micro"
  metadata_options {
    http_tokens = "optional"
  }
}
