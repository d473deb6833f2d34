resource "aws_instance" "good" {
  ami           = "ami-0abc"
  instance_type = "t3.micro"
  monitoring    = true
}

resource "aws_instance" "bad" {
  ami           = "ami-0abc"
  instance_type = "t3.micro"
}
