resource "aws_ecr_repository" "good" {
  name = "api"
  image_scanning_configuration {
    scan_on_push = true
  }
}

resource "aws_ecr_repository" "bad" {
  name = "worker"
}
