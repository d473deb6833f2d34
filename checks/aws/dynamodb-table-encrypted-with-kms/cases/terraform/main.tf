resource "aws_dynamodb_table" "good" {
  name     = "orders"
  hash_key = "id"
  attribute {
    name = "id"
    type = "S"
  }
  server_side_encryption {
    enabled = true
  }
}

resource "aws_dynamodb_table" "bad" {
  name     = "sessions"
  hash_key = "id"
  attribute {
    name = "id"
    type = "S"
  }
}
