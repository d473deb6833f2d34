resource "aws_launch_template" "good" {
  name_prefix = "web-"
  image_id    = "ami-0abc"
  block_device_mappings {
    device_name = "/dev/xvda"
    ebs {
      volume_size = 20
      encrypted   = true
    }
  }
}

resource "aws_launch_template" "bad" {
  name_prefix = "batch-"
  image_id    = "ami-0abc"
  block_device_mappings {
    device_name = "/dev/xvda"
    ebs {
      volume_size = 20
    }
  }
}
