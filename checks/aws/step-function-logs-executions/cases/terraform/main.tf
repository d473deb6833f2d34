resource "aws_sfn_state_machine" "good" {
  name     = "orders"
  role_arn = "arn:aws:iam::111122223333:role/sfn"
  definition = jsonencode({ StartAt = "Done", States = { Done = { Type = "Succeed" } } })
  logging_configuration {
    level                  = "ERROR"
    include_execution_data = false
    log_destination        = "arn:aws:logs:eu-west-1:111122223333:log-group:sfn:*"
  }
}

resource "aws_sfn_state_machine" "bad" {
  name     = "reports"
  role_arn = "arn:aws:iam::111122223333:role/sfn"
  definition = jsonencode({ StartAt = "Done", States = { Done = { Type = "Succeed" } } })
}
