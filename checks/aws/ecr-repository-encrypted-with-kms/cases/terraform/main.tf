resource "aws_ecr_repository" "good" {
  name = "api"
  encryption_configuration {
    encryption_type = "KMS"
  }
}

resource "aws_ecr_repository" "bad" {
  name = "worker"
}
