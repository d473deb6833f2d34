resource "aws_elasticache_cluster" "good" {
  cluster_id               = "jobs"
  engine                   = "redis"
  node_type                = "cache.t4g.small"
  num_cache_nodes          = 1
  snapshot_retention_limit = 5
}

resource "aws_elasticache_cluster" "bad" {
  cluster_id      = "rate"
  engine          = "redis"
  node_type       = "cache.t4g.small"
  num_cache_nodes = 1
}
