resource "aws_ebs_volume" "good" {
  availability_zone = "eu-west-1a"
  size              = 100
  encrypted         = true
}

resource "aws_ebs_volume" "bad" {
  availability_zone = "eu-west-1a"
  size              = 100
}
