resource "aws_autoscaling_group" "good" {
  name                = "web"
  max_size            = 4
  min_size            = 2
  vpc_zone_identifier = ["subnet-a", "subnet-b"]
  launch_template {
    id      = "lt-0abc"
    version = "$Latest"
  }
}

resource "aws_autoscaling_group" "bad" {
  name                 = "legacy"
  max_size             = 2
  min_size             = 1
  vpc_zone_identifier  = ["subnet-a"]
  launch_configuration = "legacy-lc"
}
