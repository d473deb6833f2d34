resource "aws_dynamodb_table" "good" {
  name                        = "orders"
  hash_key                    = "id"
  deletion_protection_enabled = true
  attribute {
    name = "id"
    type = "S"
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
