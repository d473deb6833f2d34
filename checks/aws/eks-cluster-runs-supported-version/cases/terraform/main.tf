resource "aws_eks_cluster" "good" {
  name     = "prod"
  role_arn = "arn:aws:iam::111122223333:role/eks"
  version  = "1.31"
  vpc_config {
    subnet_ids = ["subnet-a", "subnet-b"]
  }
}

resource "aws_eks_cluster" "bad" {
  name     = "legacy"
  role_arn = "arn:aws:iam::111122223333:role/eks"
  version  = "1.24"
  vpc_config {
    subnet_ids = ["subnet-a", "subnet-b"]
  }
}
