resource "aws_ebs_snapshot_copy" "good" {
  source_snapshot_id = "snap-0a1b2c3d"
  source_region      = "eu-west-1"
  encrypted          = true
}

resource "aws_ebs_snapshot_copy" "bad" {
  source_snapshot_id = "snap-0a1b2c3d"
  source_region      = "eu-west-1"
}
