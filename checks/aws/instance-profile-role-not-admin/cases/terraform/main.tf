data "aws_iam_policy_document" "ec2_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "web" {
  name               = "acme-web"
  assume_role_policy = data.aws_iam_policy_document.ec2_assume.json
}

resource "aws_iam_role_policy" "web_assets" {
  name = "read-assets"
  role = aws_iam_role.web.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["s3:GetObject"], Resource = "arn:aws:s3:::acme-assets/*" }]
  })
}

resource "aws_iam_instance_profile" "good" {
  name = "acme-web"
  role = aws_iam_role.web.name
}

resource "aws_iam_role" "bastion" {
  name               = "acme-bastion"
  assume_role_policy = data.aws_iam_policy_document.ec2_assume.json
}

resource "aws_iam_role_policy_attachment" "bastion_admin" {
  role       = aws_iam_role.bastion.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}

resource "aws_iam_instance_profile" "bad" {
  name = "acme-bastion"
  role = aws_iam_role.bastion.name
}

resource "aws_iam_role" "worker" {
  name               = "acme-worker"
  assume_role_policy = data.aws_iam_policy_document.ec2_assume.json
}

resource "aws_iam_policy" "everything" {
  name = "worker-everything"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }]
  })
}

resource "aws_iam_role_policy_attachment" "worker_everything" {
  role       = aws_iam_role.worker.name
  policy_arn = aws_iam_policy.everything.arn
}

resource "aws_iam_instance_profile" "bad_custom_policy" {
  name = "acme-worker"
  role = aws_iam_role.worker.name
}

# A role made outside this code: what it may do cannot be seen here.
resource "aws_iam_instance_profile" "unseen" {
  name = "legacy"
  role = "legacy-ec2-role"
}

# The older attachment resource, which lists its roles.
resource "aws_iam_role" "batch" {
  name               = "acme-batch"
  assume_role_policy = data.aws_iam_policy_document.ec2_assume.json
}

resource "aws_iam_policy_attachment" "batch_power_users" {
  name       = "batch-power-users"
  roles      = [aws_iam_role.batch.name]
  policy_arn = "arn:aws:iam::aws:policy/PowerUserAccess"
}

resource "aws_iam_instance_profile" "bad_legacy_attachment" {
  name = "acme-batch"
  role = aws_iam_role.batch.name
}
