resource "aws_launch_template" "good" {
  name_prefix = "web-"
  image_id    = "ami-0abc"
  network_interfaces {
    associate_public_ip_address = false
  }
}

resource "aws_launch_template" "bad" {
  name_prefix = "bastion-"
  image_id    = "ami-0abc"
  network_interfaces {
    associate_public_ip_address = true
  }
}
