resource "aws_s3_bucket_acl" "good" {
  bucket = "acme-uploads"
  acl    = "private"
}

resource "aws_s3_bucket_acl" "bad" {
  bucket = "acme-site"
  acl    = "public-read"
}

resource "aws_s3_bucket_acl" "grant_to_everyone" {
  bucket = "acme-media"
  access_control_policy {
    owner {
      id = "abc123"
    }
    grant {
      permission = "READ"
      grantee {
        type = "Group"
        uri  = "http://acs.amazonaws.com/groups/global/AllUsers"
      }
    }
  }
}
