resource "aws_elasticache_replication_group" "good" {
  replication_group_id = "sessions"
  description          = "sessions"
  node_type            = "cache.t4g.small"
  snapshot_retention_limit = 7
}

resource "aws_elasticache_replication_group" "bad" {
  replication_group_id = "sessions"
  description          = "sessions"
  node_type            = "cache.t4g.small"
}
