resource "aws_eks_node_group" "good" {
  cluster_name  = "prod"
  node_role_arn = "arn:aws:iam::111122223333:role/node"
  subnet_ids    = ["subnet-a"]
  scaling_config {
    desired_size = 2
    max_size     = 3
    min_size     = 2
  }
}

resource "aws_eks_node_group" "bad" {
  cluster_name  = "prod"
  node_role_arn = "arn:aws:iam::111122223333:role/node"
  subnet_ids    = ["subnet-a"]
  scaling_config {
    desired_size = 2
    max_size     = 3
    min_size     = 2
  }
  remote_access {
    ec2_ssh_key = "ops"
  }
}
