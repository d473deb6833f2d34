resource "aws_elasticache_replication_group" "good" {
  replication_group_id = "sessions"
  description          = "sessions"
  node_type            = "cache.t4g.small"
  at_rest_encryption_enabled = true
}

resource "aws_elasticache_replication_group" "bad" {
  replication_group_id = "sessions"
  description          = "sessions"
  node_type            = "cache.t4g.small"
}
