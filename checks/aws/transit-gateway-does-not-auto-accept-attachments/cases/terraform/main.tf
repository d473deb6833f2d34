resource "aws_ec2_transit_gateway" "good" {
  description = "core"
}

resource "aws_ec2_transit_gateway" "bad" {
  description                     = "shared"
  auto_accept_shared_attachments = "enable"
}
