resource "aws_sagemaker_notebook_instance" "good" {
  name                   = "analysis"
  role_arn               = "arn:aws:iam::111122223333:role/sm"
  instance_type          = "ml.t3.medium"
  subnet_id              = "subnet-a"
  direct_internet_access = "Disabled"
}

resource "aws_sagemaker_notebook_instance" "bad" {
  name          = "sandbox"
  role_arn      = "arn:aws:iam::111122223333:role/sm"
  instance_type = "ml.t3.medium"
}
