resource "aws_ebs_volume" "encrypted" {
  availability_zone = "us-east-1a"
  size              = 20
  encrypted         = true
}

resource "aws_ebs_volume" "plain" {
  availability_zone = "us-east-1a"
  size              = 20
}

resource "aws_ebs_snapshot" "good" {
  volume_id = aws_ebs_volume.encrypted.id
}

resource "aws_ebs_snapshot" "bad" {
  volume_id = aws_ebs_volume.plain.id
}

resource "aws_ebs_snapshot" "outside" {
  volume_id = "vol-0abc1234"
}
