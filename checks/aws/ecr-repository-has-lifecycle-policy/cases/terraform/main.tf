resource "aws_ecr_repository" "good" {
  name = "api"
}

resource "aws_ecr_repository" "bad" {
  name = "worker"
}

resource "aws_ecr_lifecycle_policy" "good" {
  repository = aws_ecr_repository.good.name
  policy     = jsonencode({ rules = [{ rulePriority = 1, selection = { tagStatus = "untagged", countType = "sinceImagePushed", countUnit = "days", countNumber = 14 }, action = { type = "expire" } }] })
}
