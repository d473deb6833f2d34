resource "aws_codebuild_project" "good" {
  name         = "api"
  service_role = "arn:aws:iam::111122223333:role/cb"
  artifacts {
    type = "NO_ARTIFACTS"
  }
  source {
    type = "CODEPIPELINE"
  }
  environment {
    compute_type = "BUILD_GENERAL1_SMALL"
    image        = "aws/codebuild/standard:7.0"
    type         = "LINUX_CONTAINER"
  }
}

resource "aws_codebuild_project" "bad" {
  name         = "images"
  service_role = "arn:aws:iam::111122223333:role/cb"
  artifacts {
    type = "NO_ARTIFACTS"
  }
  source {
    type = "CODEPIPELINE"
  }
  environment {
    compute_type    = "BUILD_GENERAL1_SMALL"
    image           = "aws/codebuild/standard:7.0"
    type            = "LINUX_CONTAINER"
    privileged_mode = true
  }
}
