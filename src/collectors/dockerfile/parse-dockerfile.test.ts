import { describe, expect, it } from 'vitest'
import type { ContainerDockerfile, DockerStage } from '../../core/evidence.js'
import { parseDockerfile } from './parse-dockerfile.js'

/** Parses a Dockerfile that must be read without errors, and returns its evidence. */
function read(text: string, target?: string): ContainerDockerfile {
  const result = parseDockerfile(text, 'Dockerfile', target)
  expect(result.errors).toEqual([])
  expect(result.evidence).toHaveLength(1)
  return result.evidence[0] as ContainerDockerfile
}

function stage(dockerfile: ContainerDockerfile, index: number): DockerStage {
  const found = dockerfile.stages[index]
  if (found === undefined) throw new Error(`no stage ${index}`)
  return found
}

describe('stages', () => {
  const multiStage = `# syntax=docker/dockerfile:1.7
FROM node:20-bookworm AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci

FROM deps AS build
COPY . .
RUN npm run build

FROM gcr.io/distroless/nodejs20-debian12:nonroot AS runtime
COPY --from=build /app/dist /app
CMD ["/app/server.js"]
`

  it('reads named stages with their lines, and ships the last one', () => {
    const dockerfile = read(multiStage)
    expect(dockerfile).toMatchObject({
      kind: 'container.dockerfile',
      resourceKind: 'Dockerfile',
      name: 'Dockerfile',
    })
    expect(dockerfile.stages.map((s) => [s.index, s.name, s.line, s.from, s.fromStage])).toEqual([
      [0, 'deps', 2, 'node:20-bookworm', undefined],
      [1, 'build', 7, 'deps', 0],
      [2, 'runtime', 11, 'gcr.io/distroless/nodejs20-debian12:nonroot', undefined],
    ])
    expect(stage(dockerfile, 1).image).toBeUndefined()
    expect(dockerfile.finalStage).toBe(2)
    expect(
      stage(dockerfile, 0).instructions.map(({ script: _script, ...instruction }) => instruction),
    ).toEqual([
      { keyword: 'WORKDIR', args: '/app', line: 3 },
      { keyword: 'COPY', args: 'package.json package-lock.json ./', line: 4 },
      { keyword: 'RUN', args: 'npm ci', line: 5 },
    ])
  })

  it('ships the stage named by `target`, matched regardless of case', () => {
    expect(read(multiStage, 'build').finalStage).toBe(1)
    expect(read(multiStage, 'DEPS').finalStage).toBe(0)
  })

  it('reports a target that is not a stage and keeps the last stage', () => {
    const result = parseDockerfile(multiStage, 'Dockerfile', 'prod')
    expect(result.errors).toEqual([
      { file: 'Dockerfile', message: "build target 'prod' is not a stage name" },
    ])
    expect(result.evidence[0]?.finalStage).toBe(2)
  })

  it('keeps `--platform` out of the image reference', () => {
    const dockerfile = read(`ARG GO_VERSION=1.22
FROM --platform=$BUILDPLATFORM golang:\${GO_VERSION}-alpine AS build
RUN go build -o /out/app .
FROM --platform=$TARGETPLATFORM quay.io/prometheus/busybox:glibc
COPY --from=build /out/app /bin/app
`)
    expect(stage(dockerfile, 0).image).toMatchObject({
      raw: 'golang:1.22-alpine',
      registry: 'docker.io',
      repository: 'library/golang',
      tag: '1.22-alpine',
      unresolved: false,
    })
    expect(stage(dockerfile, 1).image).toMatchObject({
      raw: 'quay.io/prometheus/busybox:glibc',
      registry: 'quay.io',
      repository: 'prometheus/busybox',
      tag: 'glibc',
    })
  })

  it('substitutes build args declared before the first FROM into image references', () => {
    const dockerfile = read(`ARG BASE=node:20
ARG REGISTRY=ghcr.io/acme
ARG VARIANT
FROM \${BASE} AS build
FROM $REGISTRY/runtime:\${VARIANT:-slim}
`)
    expect(stage(dockerfile, 0)).toMatchObject({
      from: 'node:20',
      image: { repository: 'library/node', tag: '20' },
    })
    expect(stage(dockerfile, 1)).toMatchObject({
      from: 'ghcr.io/acme/runtime:slim',
      image: { registry: 'ghcr.io', repository: 'acme/runtime', tag: 'slim', unresolved: false },
    })
  })

  it('marks an image that still holds an unknown variable as unresolved', () => {
    const dockerfile = read(`ARG BASE_IMAGE\nFROM \${BASE_IMAGE}\n`)
    expect(stage(dockerfile, 0).image).toMatchObject({ raw: `\${BASE_IMAGE}`, unresolved: true })
    expect(read('FROM $UNDECLARED:1.0\n').stages[0]?.image?.unresolved).toBe(true)
  })

  it('treats `scratch` as no image at all', () => {
    expect(read('FROM scratch\nCOPY app /app\n').stages[0]?.image).toMatchObject({
      scratch: true,
      registry: '',
    })
  })

  it('inherits the USER of a stage built FROM an earlier stage, and lets a later USER replace it', () => {
    const dockerfile = read(`FROM alpine:3.20 AS base
USER 10001:10001
FROM base AS app
RUN true
FROM base AS tools
USER root
FROM tools
`)
    expect(dockerfile.stages.map((s) => [s.name, s.user])).toEqual([
      ['base', '10001:10001'],
      ['app', '10001:10001'],
      ['tools', 'root'],
      [undefined, 'root'],
    ])
    // A stage FROM an image does not inherit a user from the stage above it.
    expect(read('FROM alpine AS a\nUSER app\nFROM alpine\n').stages[1]?.user).toBeUndefined()
  })

  it('reads a quoted USER as the builder does, without its quotes', () => {
    expect(read('FROM alpine:3.20\nUSER "root"\n').stages[0]?.user).toBe('root')
    expect(read("FROM alpine:3.20\nUSER '0':'0'\n").stages[0]?.user).toBe('0:0')
    expect(read(`FROM alpine:3.20\nARG UID=10001\nUSER "\${UID}"\n`).stages[0]?.user).toBe('10001')
  })
})

describe('image references', () => {
  it.each([
    ['ubuntu', { registry: 'docker.io', repository: 'library/ubuntu' }],
    ['ubuntu:24.04', { registry: 'docker.io', repository: 'library/ubuntu', tag: '24.04' }],
    ['bitnami/redis:7.2', { registry: 'docker.io', repository: 'bitnami/redis', tag: '7.2' }],
    ['localhost:5000/x', { registry: 'localhost:5000', repository: 'x' }],
    ['localhost:5000/team/x:dev', { registry: 'localhost:5000', repository: 'team/x', tag: 'dev' }],
    ['localhost/x', { registry: 'localhost', repository: 'x' }],
    [
      'ghcr.io/o/r:1@sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
      {
        registry: 'ghcr.io',
        repository: 'o/r',
        tag: '1',
        digest: 'sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
      },
    ],
    [
      'node@sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
      {
        registry: 'docker.io',
        repository: 'library/node',
        digest: 'sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
      },
    ],
    [
      '123456789012.dkr.ecr.eu-west-1.amazonaws.com/api:v3',
      { registry: '123456789012.dkr.ecr.eu-west-1.amazonaws.com', repository: 'api', tag: 'v3' },
    ],
  ])('FROM %s', (ref, expected) => {
    const image = read(`FROM ${ref}\n`).stages[0]?.image
    expect(image).toEqual({ raw: ref, scratch: false, unresolved: false, ...expected })
  })
})

describe('instructions', () => {
  it('keeps a heredoc RUN whole in one instruction, not as instructions of its own', () => {
    const dockerfile = read(`FROM debian:12
RUN <<EOF
set -eux
apt-get update
apt-get install -y --no-install-recommends curl
EOF
USER 1000
`)
    expect(
      stage(dockerfile, 0).instructions.map(({ script: _script, ...instruction }) => instruction),
    ).toEqual([
      {
        keyword: 'RUN',
        args: '<<EOF\nset -eux\napt-get update\napt-get install -y --no-install-recommends curl\nEOF',
        line: 2,
      },
      { keyword: 'USER', args: '1000', line: 7 },
    ])
    // The heredoc's body is the script: three commands, each on its own line of the body.
    const script = stage(dockerfile, 0).instructions[0]?.script
    expect(script?.parsed && script.commands.map((c) => [c.line, c.words[0]?.text])).toEqual([
      [1, 'set'],
      [2, 'apt-get'],
      [3, 'apt-get'],
    ])
  })

  it('reports an unknown instruction with its line and still reads the rest', () => {
    const result = parseDockerfile(
      'FROM alpine\nRUN apk add curl\nFORM scratch\nUSER app\n',
      'api/Dockerfile',
    )
    expect(result.errors).toEqual([
      { file: 'api/Dockerfile', line: 3, message: "unknown instruction 'FORM'" },
    ])
    expect(result.evidence[0]?.stages[0]?.user).toBe('app')
  })

  it('reports a Dockerfile without FROM', () => {
    const result = parseDockerfile('# base image comes later\nRUN echo hi\nCMD ["sh"]\n', 'Dockerfile')
    expect(result.evidence).toEqual([])
    expect(result.errors).toEqual([{ file: 'Dockerfile', line: 2, message: 'no FROM instruction' }])
  })

  it('reports an empty Dockerfile', () => {
    const result = parseDockerfile('# nothing here\n\n', 'Dockerfile')
    expect(result.evidence).toEqual([])
    expect(result.errors).toEqual([
      { file: 'Dockerfile', message: 'no instructions: the file is empty or only comments' },
    ])
  })

  it('reads a Dockerfile saved with a byte-order mark', () => {
    expect(read('\uFEFFFROM alpine:3.20\nUSER app\n').stages[0]?.user).toBe('app')
  })
})

describe('copies', () => {
  it('records sources, destination, stage and `--from`, whatever flags come with it', () => {
    const dockerfile = read(`FROM golang:1.22 AS build
COPY go.mod go.sum ./
FROM alpine:3.20
COPY --from=build --chown=10001:10001 /out/app /usr/local/bin/app
COPY --link --chmod=0755 --from=docker.io/library/busybox:1.36 /bin/busybox /bin/
ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://example.com/a.tgz /opt/
`)
    expect(dockerfile.copies).toEqual([
      { instruction: 'COPY', sources: ['go.mod', 'go.sum'], destination: './', line: 2, stage: 0 },
      {
        instruction: 'COPY',
        sources: ['/out/app'],
        destination: '/usr/local/bin/app',
        fromStage: 'build',
        line: 4,
        stage: 1,
      },
      {
        instruction: 'COPY',
        sources: ['/bin/busybox'],
        destination: '/bin/',
        fromStage: 'docker.io/library/busybox:1.36',
        line: 5,
        stage: 1,
      },
      { instruction: 'ADD', sources: ['https://example.com/a.tgz'], destination: '/opt/', line: 6, stage: 1 },
    ])
  })

  it('reads the destination of a heredoc COPY from its first line, not from the body', () => {
    const dockerfile = read(`FROM nginx:1.27
COPY <<EOF /etc/nginx/conf.d/default.conf
server { listen 8080; }
EOF
COPY <<a.txt <<b.txt /srv/
a
a.txt
b
b.txt
`)
    expect(dockerfile.copies.map((c) => [c.sources, c.destination, c.line])).toEqual([
      [[], '/etc/nginx/conf.d/default.conf', 2],
      [[], '/srv/', 5],
    ])
  })

  it('reads the JSON form with spaces in paths', () => {
    const dockerfile = read(`FROM alpine AS a
FROM alpine
COPY ["my file.txt", "other.txt", "/data dir/"]
COPY --from=a ["/x y", "/z/"]
`)
    expect(dockerfile.copies.map((c) => [c.sources, c.destination, c.fromStage])).toEqual([
      [['my file.txt', 'other.txt'], '/data dir/', undefined],
      [['/x y'], '/z/', 'a'],
    ])
  })
})

describe('ENV and ARG', () => {
  const awsKey = 'AKIAIOSFODNN7EXAMPLE'
  const plain = 'planted-plain-value-51c2'
  const namedSecret = 'planted-named-secret-9d0e'
  const text = `ARG NODE_VERSION=20
FROM node:\${NODE_VERSION}
ARG NPM_TOKEN
ARG GITHUB_TOKEN=$CI_TOKEN
ENV AWS_ACCESS_KEY_ID=${awsKey} \\
    GREETING="${plain}"
ENV DB_PASSWORD ${namedSecret}
LABEL org.opencontainers.image.source="https://github.com/acme/web"
`

  it('never stores a value, but flags credential-shaped and credential-named ones', () => {
    const result = parseDockerfile(text, 'Dockerfile')
    expect(result.errors).toEqual([])
    const serialised = JSON.stringify(result)
    for (const planted of [awsKey, plain, namedSecret]) expect(serialised).not.toContain(planted)
    const dockerfile = result.evidence[0] as ContainerDockerfile
    expect(dockerfile.variables).toEqual([
      {
        instruction: 'ARG',
        name: 'NODE_VERSION',
        line: 1,
        stage: -1,
        hasDefault: true,
        valueLooksLikeSecret: false,
      },
      {
        instruction: 'ARG',
        name: 'NPM_TOKEN',
        line: 3,
        stage: 0,
        hasDefault: false,
        valueLooksLikeSecret: false,
      },
      // A reference to another variable is not a literal credential.
      {
        instruction: 'ARG',
        name: 'GITHUB_TOKEN',
        line: 4,
        stage: 0,
        hasDefault: true,
        valueLooksLikeSecret: false,
      },
      {
        instruction: 'ENV',
        name: 'AWS_ACCESS_KEY_ID',
        line: 5,
        stage: 0,
        hasDefault: true,
        valueLooksLikeSecret: true,
      },
      {
        instruction: 'ENV',
        name: 'GREETING',
        line: 6,
        stage: 0,
        hasDefault: true,
        valueLooksLikeSecret: false,
      },
      {
        instruction: 'ENV',
        name: 'DB_PASSWORD',
        line: 7,
        stage: 0,
        hasDefault: true,
        valueLooksLikeSecret: true,
      },
    ])
    // The instructions keep the names only.
    expect(
      stage(dockerfile, 0)
        .instructions.filter((i) => i.keyword === 'ENV')
        .map((i) => i.args),
    ).toEqual(['AWS_ACCESS_KEY_ID GREETING', 'DB_PASSWORD'])
  })
})
