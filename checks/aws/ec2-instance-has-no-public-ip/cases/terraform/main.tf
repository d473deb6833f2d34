resource "aws_instance" "good" {
  ami                         = "ami-0abc"
  instance_type               = "t3.micro"
  associate_public_ip_address = false
}

resource "aws_instance" "bad" {
  ami                         = "ami-0abc"
  instance_type               = "t3.micro"
  associate_public_ip_address = true
}

resource "aws_instance" "subnet_decides" {
  ami           = "ami-0abc"
  instance_type = "t3.micro"
}

resource "aws_subnet" "public" {
  vpc_id                  = "vpc-0abc"
  cidr_block              = "10.0.1.0/24"
  map_public_ip_on_launch = true
}

resource "aws_subnet" "private" {
  vpc_id     = "vpc-0abc"
  cidr_block = "10.0.2.0/24"
}

resource "aws_instance" "in_public_subnet" {
  ami           = "ami-0abc"
  instance_type = "t3.micro"
  subnet_id     = aws_subnet.public.id
}

resource "aws_instance" "in_private_subnet" {
  ami           = "ami-0abc"
  instance_type = "t3.micro"
  subnet_id     = aws_subnet.private.id
}

resource "aws_instance" "in_outside_subnet" {
  ami           = "ami-0abc"
  instance_type = "t3.micro"
  subnet_id     = "subnet-0abc"
}

resource "aws_launch_template" "public_nic" {
  name = "public-nic"
  network_interfaces {
    associate_public_ip_address = true
  }
}

resource "aws_instance" "template_asks_public_ip" {
  subnet_id = aws_subnet.private.id
  launch_template {
    name = "public-nic"
  }
}

resource "aws_instance" "template_by_reference" {
  subnet_id = aws_subnet.private.id
  launch_template {
    id = aws_launch_template.public_nic.id
  }
}
