resource "aws_launch_configuration" "good" {
  name_prefix   = "web-"
  image_id      = "ami-0abc"
  instance_type = "t3.micro"
}

resource "aws_launch_configuration" "bad" {
  name_prefix                 = "bastion-"
  image_id                    = "ami-0abc"
  instance_type               = "t3.micro"
  associate_public_ip_address = true
}
