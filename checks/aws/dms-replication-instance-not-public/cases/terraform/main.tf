resource "aws_dms_replication_instance" "good" {
  replication_instance_id    = "migrate"
  replication_instance_class = "dms.t3.medium"
}

resource "aws_dms_replication_instance" "bad" {
  replication_instance_id    = "legacy"
  replication_instance_class = "dms.t3.medium"
  publicly_accessible        = true
}
