resource "aws_ecs_task_definition" "good" {
  family                = "api"
  container_definitions = jsonencode([{ name = "api", image = "acme/api:1.4.2", essential = true }])
}

resource "aws_ecs_task_definition" "bad" {
  family                = "api"
  container_definitions = jsonencode([{ name = "agent", image = "acme/agent:2.0", privileged = true }])
}
