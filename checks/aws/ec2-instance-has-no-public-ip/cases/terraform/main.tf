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
