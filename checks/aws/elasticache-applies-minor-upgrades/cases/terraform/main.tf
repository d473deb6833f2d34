resource "aws_elasticache_replication_group" "good" {
  replication_group_id = "sessions"
  description          = "sessions"
  node_type            = "cache.t4g.small"
}

resource "aws_elasticache_replication_group" "bad" {
  replication_group_id = "sessions"
  description          = "sessions"
  node_type            = "cache.t4g.small"
  auto_minor_version_upgrade = false
}
