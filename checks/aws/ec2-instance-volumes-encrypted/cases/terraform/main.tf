resource "aws_instance" "good" {
  ami           = "ami-0abc"
  instance_type = "t3.micro"
  root_block_device {
    encrypted = true
  }
}

resource "aws_instance" "bad" {
  ami           = "ami-0abc"
  instance_type = "t3.micro"
  root_block_device {
    encrypted = true
  }
  ebs_block_device {
    device_name = "/dev/sdf"
    volume_size = 50
  }
}
