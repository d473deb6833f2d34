resource "aws_vpc" "prod" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_vpc" "sandbox" {
  cidr_block = "10.99.0.0/16"
}

resource "aws_s3_bucket" "flow_logs" {
  bucket = "acme-flow-logs"
}

resource "aws_flow_log" "prod" {
  vpc_id               = aws_vpc.prod.id
  traffic_type         = "ALL"
  log_destination_type = "s3"
  log_destination      = aws_s3_bucket.flow_logs.arn
}
