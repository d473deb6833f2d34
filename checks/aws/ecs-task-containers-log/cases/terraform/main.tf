resource "aws_ecs_task_definition" "good" {
  family                = "api"
  container_definitions = jsonencode([{ name = "api", image = "acme/api:1.4.2", logConfiguration = { logDriver = "awslogs", options = { awslogs-group = "api" } } }])
}

resource "aws_ecs_task_definition" "bad" {
  family                = "api"
  container_definitions = jsonencode([{ name = "api", image = "acme/api:1.4.2" }])
}
