resource "aws_ecs_service" "good" {
  name            = "api"
  cluster         = "main"
  task_definition = "api:3"
  network_configuration {
    subnets = ["subnet-a"]
  }
}

resource "aws_ecs_service" "bad" {
  name            = "worker"
  cluster         = "main"
  task_definition = "worker:7"
  network_configuration {
    subnets          = ["subnet-a"]
    assign_public_ip = true
  }
}
