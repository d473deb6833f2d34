# instance with cloud credentials in plain text in its user data, IMDSv1, public IP from its subnet
resource "aws_instance" "web" {
  ami           = "${var.ami}"
  instance_type = "t2.nano"

  vpc_security_group_ids = [
  "${aws_security_group.web_sg.id}"]
  subnet_id = "${aws_subnet.app_subnet_a.id}"
  user_data = <<EOF
#! /bin/bash
sudo apt-get update
sudo apt-get install -y nginx
export AWS_ACCESS_KEY_ID=AKIAQX4Z7NRT2WLC5GHU
export AWS_SECRET_ACCESS_KEY=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
export AWS_DEFAULT_REGION=us-west-2
EOF
  tags = merge({
    Name = "${local.resource_prefix.value}-web"
    }, {
    owner = "platform"
  })
}

# volume without encryption (the argument left out)
resource "aws_ebs_volume" "web_data" {
  availability_zone = "${var.region}a"
  size              = 1
  tags = {
    Name = "${local.resource_prefix.value}-ebs"
  }
}

# snapshot of that unencrypted volume
resource "aws_ebs_snapshot" "web_data_snapshot" {
  volume_id   = "${aws_ebs_volume.web_data.id}"
  description = "${local.resource_prefix.value}-ebs-snapshot"
}

resource "aws_volume_attachment" "web_data_attachment" {
  device_name = "/dev/sdh"
  volume_id   = "${aws_ebs_volume.web_data.id}"
  instance_id = "${aws_instance.web.id}"
}
