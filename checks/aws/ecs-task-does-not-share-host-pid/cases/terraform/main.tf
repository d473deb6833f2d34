resource "aws_ecs_task_definition" "good" {
  family                = "api"
  container_definitions = jsonencode([{ name = "api", image = "acme/api:1.4.2" }])
}

resource "aws_ecs_task_definition" "bad" {
  family                = "api"
  container_definitions = jsonencode([{ name = "api", image = "acme/api:1.4.2" }])
  pid_mode              = "host"
}
