resource "aws_transfer_server" "good" {
  protocols = ["SFTP"]
}

resource "aws_transfer_server" "bad" {
  protocols              = ["FTP"]
  endpoint_type          = "VPC"
  identity_provider_type = "API_GATEWAY"
}
