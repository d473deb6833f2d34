resource "aws_vpc" "app_vpc" {
  cidr_block           = "172.16.0.0/16"
  enable_dns_hostnames = true
  enable_dns_support   = true
  tags = merge({
    Name = "${local.resource_prefix.value}-vpc"
    }, {
    owner = "platform"
  })
}

resource "aws_subnet" "app_subnet_a" {
  vpc_id                  = aws_vpc.app_vpc.id
  cidr_block              = "172.16.10.0/24"
  availability_zone       = "${var.region}a"
  map_public_ip_on_launch = true
  tags = {
    Name = "${local.resource_prefix.value}-subnet-a"
  }
}

resource "aws_subnet" "app_subnet_b" {
  vpc_id                  = aws_vpc.app_vpc.id
  cidr_block              = "172.16.11.0/24"
  availability_zone       = "${var.region}b"
  map_public_ip_on_launch = true
  tags = {
    Name = "${local.resource_prefix.value}-subnet-b"
  }
}

resource "aws_internet_gateway" "app_igw" {
  vpc_id = aws_vpc.app_vpc.id
}

resource "aws_route_table" "app_rtb" {
  vpc_id = aws_vpc.app_vpc.id
}

resource "aws_route_table_association" "assoc_a" {
  subnet_id      = aws_subnet.app_subnet_a.id
  route_table_id = aws_route_table.app_rtb.id
}

resource "aws_route_table_association" "assoc_b" {
  subnet_id      = aws_subnet.app_subnet_b.id
  route_table_id = aws_route_table.app_rtb.id
}

resource "aws_route" "to_internet" {
  route_table_id         = aws_route_table.app_rtb.id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.app_igw.id
}

# web and ssh open to the world
resource "aws_security_group" "web_sg" {
  name        = "${local.resource_prefix.value}-web-sg"
  description = "web tier"
  vpc_id      = aws_vpc.app_vpc.id

  ingress {
    from_port = 80
    to_port   = 80
    protocol  = "tcp"
    cidr_blocks = [
    "0.0.0.0/0"]
  }
  ingress {
    from_port = 22
    to_port   = 22
    protocol  = "tcp"
    cidr_blocks = [
    "0.0.0.0/0"]
  }
  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
  depends_on = [aws_vpc.app_vpc]
}

resource "aws_network_interface" "web_eni" {
  subnet_id   = aws_subnet.app_subnet_a.id
  private_ips = ["172.16.10.100"]
}

resource "aws_flow_log" "app_flow" {
  log_destination      = aws_s3_bucket.flow_logs.arn
  log_destination_type = "s3"
  traffic_type         = "ALL"
  vpc_id               = aws_vpc.app_vpc.id
}

# flow-log bucket: no encryption, no versioning, no access logging, no public access block
resource "aws_s3_bucket" "flow_logs" {
  bucket        = "${local.resource_prefix.value}-flowlogs"
  force_destroy = true
}
