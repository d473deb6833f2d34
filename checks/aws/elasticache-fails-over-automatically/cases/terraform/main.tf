resource "aws_elasticache_replication_group" "good" {
  replication_group_id = "sessions"
  description          = "sessions"
  node_type            = "cache.t4g.small"
  automatic_failover_enabled = true
  num_cache_clusters         = 2
}

resource "aws_elasticache_replication_group" "bad" {
  replication_group_id = "sessions"
  description          = "sessions"
  node_type            = "cache.t4g.small"
}
