resource "aws_ecr_repository" "good" {
  name                 = "api"
  image_tag_mutability = "IMMUTABLE"
}

resource "aws_ecr_repository" "bad" {
  name = "worker"
}
