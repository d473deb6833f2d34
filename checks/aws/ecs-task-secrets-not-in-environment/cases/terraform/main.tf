resource "aws_ecs_task_definition" "good" {
  family                = "api"
  container_definitions = jsonencode([{ name = "api", image = "acme/api:1.4.2", secrets = [{ name = "DB_PASSWORD", valueFrom = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:db" }], environment = [{ name = "LOG_LEVEL", value = "info" }] }])
}

resource "aws_ecs_task_definition" "bad" {
  family                = "worker"
  container_definitions = jsonencode([{ name = "worker", image = "acme/worker:2.0", environment = [{ name = "STRIPE_API_KEY", value = "placeholder" }] }])
}
