resource "aws_eks_cluster" "good" {
  name                      = "prod"
  role_arn                  = "arn:aws:iam::111122223333:role/eks"
  enabled_cluster_log_types = ["api", "audit", "authenticator"]
  vpc_config {
    subnet_ids = ["subnet-a", "subnet-b"]
  }
}

resource "aws_eks_cluster" "bad" {
  name                      = "staging"
  role_arn                  = "arn:aws:iam::111122223333:role/eks"
  enabled_cluster_log_types = ["audit"]
  vpc_config {
    subnet_ids = ["subnet-a", "subnet-b"]
  }
}
