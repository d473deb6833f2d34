locals {
  eks_name = {
    value = "${local.resource_prefix.value}-eks"
  }
}

data aws_iam_policy_document "eks_assume" {
  statement {
    effect  = "Allow"
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["eks.amazonaws.com"]
    }
  }
}

resource aws_iam_role "eks" {
  name               = "${local.resource_prefix.value}-eks"
  assume_role_policy = data.aws_iam_policy_document.eks_assume.json
}

resource aws_iam_role_policy_attachment "eks_cluster_policy" {
  policy_arn = "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy"
  role       = aws_iam_role.eks.name
}

resource aws_vpc "eks_vpc" {
  cidr_block           = "10.10.0.0/16"
  enable_dns_hostnames = true
  enable_dns_support   = true
}

resource aws_subnet "eks_subnet_a" {
  vpc_id            = aws_vpc.eks_vpc.id
  cidr_block        = "10.10.10.0/24"
  availability_zone = "${var.region}a"
  tags = merge({
    Name                                            = "${local.resource_prefix.value}-eks-subnet-a"
    "kubernetes.io/cluster/${local.eks_name.value}" = "shared"
  })
}

resource aws_subnet "eks_subnet_b" {
  vpc_id            = aws_vpc.eks_vpc.id
  cidr_block        = "10.10.11.0/24"
  availability_zone = "${var.region}b"
  tags = merge({
    Name                                            = "${local.resource_prefix.value}-eks-subnet-b"
    "kubernetes.io/cluster/${local.eks_name.value}" = "shared"
  })
}

# public endpoint (the default), no secrets encryption, no control-plane logs
resource aws_eks_cluster "cluster" {
  name     = local.eks_name.value
  role_arn = "${aws_iam_role.eks.arn}"

  vpc_config {
    endpoint_private_access = true
    subnet_ids              = ["${aws_subnet.eks_subnet_a.id}", "${aws_subnet.eks_subnet_b.id}"]
  }

  depends_on = [
    "aws_iam_role_policy_attachment.eks_cluster_policy",
  ]
}
