import { mkdir, mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import type { EvidenceItem } from '../../core/evidence.js'
import { collectTerraformSource } from './collect-hcl.js'
import { splitTemplate } from './hcl-expression.js'

async function folder(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'trustctl-hcl-'))
  for (const [name, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true })
    await writeFile(path.join(dir, name), text)
  }
  return dir
}

const find = (items: EvidenceItem[], kind: string, name: string) =>
  items.find((e) => e.kind === kind && e.name === name)

describe('Terraform source', () => {
  it('resolves literals, locals, variable defaults and tfvars, later auto.tfvars winning', async () => {
    const dir = await folder({
      'main.tf': `
variable "env" { default = "dev" }
variable "encrypted" { default = false }
variable "retention" {}
locals { name = "acme-\${var.env}" }
resource "aws_db_instance" "main" {
  identifier              = "\${local.name}-db"
  storage_encrypted       = var.encrypted
  backup_retention_period = var.retention
}`,
      'terraform.tfvars': 'env = "prod"\nretention = 7\n',
      'z.auto.tfvars': 'encrypted = true\n',
    })
    const { evidence, errors } = await collectTerraformSource(dir, '.')
    expect(errors).toEqual([])
    expect(find(evidence, 'aws.db-instance', 'aws_db_instance.main')).toMatchObject({
      storageEncrypted: true,
      backupRetentionDays: 7,
      file: 'main.tf',
      line: 6,
      origin: 'terraform-hcl',
    })
  })

  it('reports what cannot be resolved statically as unknown, never as a setting', async () => {
    const dir = await folder({
      'main.tf': `
variable "prod" {}
data "aws_caller_identity" "me" {}
resource "aws_db_instance" "main" {
  storage_encrypted   = var.prod ? true : false
  publicly_accessible = data.aws_caller_identity.me.account_id == "1" ? true : false
  deletion_protection = sha1("x") == "y"
}
resource "aws_kms_key" "k" {
  enable_key_rotation = var.prod
}`,
    })
    const { evidence } = await collectTerraformSource(dir, '.')
    const db = find(evidence, 'aws.db-instance', 'aws_db_instance.main')
    expect(db).not.toHaveProperty('storageEncrypted')
    expect(db).not.toHaveProperty('publiclyAccessible')
    expect(db).toMatchObject({
      unknown: expect.arrayContaining(['storageEncrypted', 'publiclyAccessible', 'deletionProtection']),
    })
    expect(find(evidence, 'aws.kms-key', 'aws_kms_key.k')).toMatchObject({ unknown: ['rotationEnabled'] })
  })

  it('follows a local module call: inputs become the module variables, references keep pointing at the caller', async () => {
    const dir = await folder({
      'main.tf': `
resource "aws_s3_bucket" "logs" { bucket = "acme-logs" }
module "archive" {
  source     = "./modules/bucket"
  name       = "acme-archive"
  log_bucket = aws_s3_bucket.logs.id
}`,
      'modules/bucket/main.tf': `
variable "name" {}
variable "log_bucket" {}
resource "aws_s3_bucket" "this" { bucket = var.name }
resource "aws_s3_bucket_logging" "this" {
  bucket        = aws_s3_bucket.this.id
  target_bucket = var.log_bucket
}
resource "aws_s3_bucket_versioning" "this" {
  bucket = aws_s3_bucket.this.id
  versioning_configuration { status = "Enabled" }
}`,
    })
    const { evidence, errors } = await collectTerraformSource(dir, '.')
    expect(errors).toEqual([])
    expect(find(evidence, 'aws.s3-bucket', 'module.archive.aws_s3_bucket.this')).toMatchObject({
      loggingEnabled: true,
      versioning: 'Enabled',
      file: 'modules/bucket/main.tf',
    })
    // The module folder is part of its caller, not a root module of its own.
    expect(evidence.filter((e) => e.kind === 'aws.s3-bucket')).toHaveLength(2)
    expect(find(evidence, 'aws.s3-bucket', 'aws_s3_bucket.logs')).toMatchObject({ versioning: 'Disabled' })
  })

  it('reads a registry module where terraform init installed it', async () => {
    const dir = await folder({
      'main.tf': `
module "uploads" {
  source  = "terraform-aws-modules/s3-bucket/aws"
  version = "4.1.2"
  bucket  = "acme-uploads"
}
module "not_installed" {
  source = "git::https://example.com/modules.git//bucket"
}`,
      '.terraform/modules/modules.json': JSON.stringify({
        Modules: [
          { Key: '', Source: '', Dir: '.' },
          {
            Key: 'uploads',
            Source: 'registry.terraform.io/terraform-aws-modules/s3-bucket/aws',
            Version: '4.1.2',
            Dir: '.terraform/modules/uploads',
          },
        ],
      }),
      '.terraform/modules/uploads/main.tf': `
variable "bucket" {}
resource "aws_s3_bucket" "this" { bucket = var.bucket }
resource "aws_s3_bucket_versioning" "this" {
  bucket = aws_s3_bucket.this.id
  versioning_configuration { status = "Enabled" }
}`,
    })
    const { evidence, errors } = await collectTerraformSource(dir, '.')
    expect(errors).toEqual([])
    expect(evidence.filter((e) => e.kind === 'aws.s3-bucket').map((e) => e.name)).toEqual([
      'module.uploads.aws_s3_bucket.this',
    ])
    expect(find(evidence, 'aws.s3-bucket', 'module.uploads.aws_s3_bucket.this')).toMatchObject({
      versioning: 'Enabled',
    })
  })

  it('evaluates jsonencode() and merge() and reads policy documents from data sources', async () => {
    const dir = await folder({
      'main.tf': `
locals { common = { owner = "platform" } }
data "aws_iam_policy_document" "read" {
  statement {
    actions   = ["s3:GetObject"]
    resources = ["arn:aws:s3:::acme/*"]
  }
}
resource "aws_iam_policy" "read" { policy = data.aws_iam_policy_document.read.json }
resource "aws_iam_policy" "admin" {
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", NotAction = ["iam:*"], Resource = "*" }] })
  tags   = merge(local.common, { data-classification = "internal" })
}`,
    })
    const { evidence } = await collectTerraformSource(dir, '.')
    expect(find(evidence, 'aws.iam-policy', 'aws_iam_policy.read')).toMatchObject({
      document: {
        readable: true,
        statements: [{ effect: 'Allow', actions: ['s3:GetObject'], resources: ['arn:aws:s3:::acme/*'] }],
      },
    })
    expect(find(evidence, 'aws.iam-policy', 'aws_iam_policy.admin')).toMatchObject({
      document: { readable: true, statements: [{ notActions: ['iam:*'], resources: ['*'] }] },
    })
    expect(find(evidence, 'iac.resource', 'aws_iam_policy.admin')).toMatchObject({
      tags: { owner: 'platform', 'data-classification': 'internal' },
      tagsUnknown: false,
    })
  })

  it('reports a syntax error with file and line and still reads the other files', async () => {
    const dir = await folder({
      'broken.tf': 'resource "aws_s3_bucket" "a" {\n  bucket = \n}\n',
      'good.tf': 'resource "aws_kms_key" "k" {\n  enable_key_rotation = true\n}\n',
    })
    const { evidence, errors } = await collectTerraformSource(dir, '.')
    expect(errors).toEqual([
      { file: 'broken.tf', line: 2, message: expect.stringMatching(/HCL syntax error: Invalid expression/) },
    ])
    expect(find(evidence, 'aws.kms-key', 'aws_kms_key.k')).toMatchObject({ rotationEnabled: true })
  })

  it('reads the state backend of root modules only', async () => {
    const dir = await folder({
      'main.tf':
        'terraform {\n  backend "s3" {\n    bucket  = "state"\n    key     = "app.tfstate"\n    encrypt = true\n  }\n}\nprovider "aws" {}\n',
      'eu.tf':
        'provider "aws" {\n  alias  = "eu"\n  region = "eu-west-1"\n}\nresource "aws_kms_key" "eu" {\n  provider = aws.eu\n}\n',
    })
    const { evidence } = await collectTerraformSource(dir, '.')
    expect(find(evidence, 'aws.kms-key', 'aws_kms_key.eu')).toMatchObject({ region: 'eu-west-1' })
    expect(evidence.filter((e) => e.kind === 'iac.state-backend')).toEqual([
      expect.objectContaining({
        name: '.',
        backend: 's3',
        settings: { bucket: 'state', key: 'app.tfstate', encrypt: true },
        line: 2,
      }),
    ])
  })
})

describe('template strings', () => {
  // Terraform's `${…}` written in plain strings: these are HCL templates, not JavaScript ones.
  const $ = (s: string) => s.replaceAll('@{', '${')

  it('splits interpolations, keeps escaped ones literal and gives up on directives', () => {
    expect(splitTemplate($('a-@{var.x}-$@{b}'))).toEqual([
      { literal: 'a-' },
      { expression: 'var.x' },
      { literal: $('-@{b}') },
    ])
    expect(splitTemplate($('@{merge(local.a, { b = "}" })}'))).toEqual([
      { expression: 'merge(local.a, { b = "}" })' },
    ])
    expect(splitTemplate($('%{ for x in y }@{x}%{ endfor }'))).toBeUndefined()
  })
})
