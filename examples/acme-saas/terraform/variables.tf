variable "region" {
  type    = string
  default = "us-east-1"
}

variable "environment" {
  type    = string
  default = "prod"
}

variable "export_regions" {
  description = "Regions whose customers get a dedicated data-export bucket."
  type        = set(string)
  default     = ["eu", "us"]
}

variable "admin_cidr" {
  description = "Office egress range allowed to reach the bastion."
  type        = string
  default     = "0.0.0.0/0"
}
