import { describe, expect, it } from 'vitest'
import { proposeRegistries, proposeSources, suggestProviders } from './init-proposal.js'

describe('proposeRegistries', () => {
  it('proposes each registry with its organisation, once', () => {
    expect(
      proposeRegistries([
        'ghcr.io/acme/api:1.0',
        'ghcr.io/acme/web@sha256:0123',
        'nginx:1.27',
        'docker.io/bitnami/redis:7',
        'gcr.io/distroless/static-debian12:nonroot',
        '123456789012.dkr.ecr.eu-west-1.amazonaws.com/billing:3',
      ]),
    ).toEqual([
      '123456789012.dkr.ecr.eu-west-1.amazonaws.com',
      'docker.io/bitnami',
      'docker.io/library',
      'gcr.io/distroless',
      'ghcr.io/acme',
    ])
  })

  it('proposes nothing for scratch or an image named by a build argument', () => {
    expect(proposeRegistries(['scratch', '$BASE_IMAGE', '$REGISTRY/app:1'])).toEqual([])
  })
})

describe('suggestProviders', () => {
  it('suggests a cloud from its resource types, with the services they belong to', () => {
    expect(
      suggestProviders(
        ['aws_s3_bucket', 'aws_s3_bucket_versioning', 'AWS::RDS::DBInstance', 'aws_iam_role'],
        [],
      ),
    ).toEqual([
      {
        name: 'Amazon Web Services',
        model: 'iaas',
        services: ['iam', 'rds', 's3'],
        found: '4 resource types in infrastructure code',
      },
    ])
    expect(suggestProviders(['google_container_cluster'], []).map((p) => [p.name, p.services])).toEqual([
      ['Google Cloud', ['gke']],
    ])
  })

  it('suggests the code host from the pipelines it holds, and nothing from nothing', () => {
    expect(
      suggestProviders(
        [],
        [
          { file: '.github/workflows/ci.yml', collector: 'github-actions' },
          { file: '.gitlab-ci.yml', collector: 'gitlab-ci' },
        ],
      ).map((p) => p.name),
    ).toEqual(['GitHub', 'GitLab'])
    expect(suggestProviders([], [{ file: 'k8s/a.yaml', collector: 'kubernetes' }])).toEqual([])
  })
})

describe('proposeSources', () => {
  it('proposes top-level folders, workflows apart from the rest of .github, and top-level files', () => {
    expect(
      proposeSources([
        { file: 'deploy/k8s/api.yaml', collector: 'kubernetes' },
        { file: 'deploy/k8s/web.yaml', collector: 'kubernetes' },
        { file: 'deploy/plan.json', collector: 'terraform-plan' },
        { file: '.github/workflows/ci.yml', collector: 'github-actions' },
        { file: 'Dockerfile', collector: 'dockerfile' },
      ]),
    ).toEqual([
      { path: '.github/workflows', found: 'GitHub Actions workflows' },
      { path: 'deploy', found: 'Kubernetes manifests, Terraform plans' },
      { path: 'Dockerfile', found: 'Dockerfiles' },
    ])
  })
})
