resource "aws_mq_broker" "good" {
  broker_name        = "orders"
  engine_type        = "RabbitMQ"
  engine_version     = "3.13"
  host_instance_type = "mq.t3.micro"
}

resource "aws_mq_broker" "bad" {
  broker_name         = "legacy"
  engine_type         = "ActiveMQ"
  engine_version      = "5.18"
  host_instance_type  = "mq.t3.micro"
  publicly_accessible = true
}
