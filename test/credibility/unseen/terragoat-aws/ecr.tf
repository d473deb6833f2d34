# mutable tags, AWS-managed encryption
resource aws_ecr_repository "images" {
  name                 = "${local.resource_prefix.value}-images"
  image_tag_mutability = "MUTABLE"

  image_scanning_configuration {
    scan_on_push = true
  }
}
