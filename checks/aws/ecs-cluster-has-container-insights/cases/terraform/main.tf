resource "aws_ecs_cluster" "good" {
  name = "main"
  setting {
    name  = "containerInsights"
    value = "enabled"
  }
}

resource "aws_ecs_cluster" "bad" {
  name = "batch"
}
