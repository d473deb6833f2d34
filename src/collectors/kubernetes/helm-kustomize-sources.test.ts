import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { collectFiles } from '../files/collect-files.js'

/**
 * Helm chart and Kustomize folders as a repository holds them, read the way trustctl.yaml's
 * `path: deploy` reads them: the sources that need their tool get one clear error with the command
 * that renders them; what those commands print is assessed.
 */
async function tree(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'trustctl-charts-'))
  for (const [name, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true })
    await writeFile(path.join(dir, name), text)
  }
  return dir
}

const chart = {
  'deploy/charts/web/Chart.yaml': 'apiVersion: v2\nname: web\nversion: 1.4.0\nappVersion: "2.3.1"\n',
  'deploy/charts/web/values.yaml':
    'replicaCount: 2\nimage:\n  repository: ghcr.io/acme/web\n  tag: "2.3.1"\n',
  'deploy/charts/web/templates/_helpers.tpl':
    '{{- define "web.fullname" -}}{{ .Release.Name }}-web{{- end }}\n',
  'deploy/charts/web/templates/deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "web.fullname" . }}
  labels:
    app.kubernetes.io/name: web
spec:
  replicas: {{ .Values.replicaCount }}
  selector:
    matchLabels:
      app.kubernetes.io/name: web
  template:
    metadata:
      labels:
        app.kubernetes.io/name: web
    spec:
      containers:
        - name: web
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
`,
  'deploy/charts/web/templates/NOTES.txt': 'Visit http://{{ .Release.Name }}.example.com\n',
}

const kustomize = {
  'deploy/kustomize/base/kustomization.yaml': 'resources:\n  - deployment.yaml\n',
  'deploy/kustomize/base/deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  selector:
    matchLabels: { app: api }
  template:
    metadata:
      labels: { app: api }
    spec:
      containers:
        - name: api
          image: ghcr.io/acme/api:1.0.0
`,
  'deploy/kustomize/overlays/prod/kustomization.yaml':
    'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ../../base\nnamespace: prod\n',
}

describe('Helm chart and Kustomize folders in a repository', () => {
  it('refuses the templates of a chart with the helm template command, and nothing else of the chart', async () => {
    const dir = await tree(chart)
    const { errors, evidence } = await collectFiles(dir, [{ path: 'deploy', type: 'auto' }])
    expect(errors).toEqual([
      expect.objectContaining({
        file: 'deploy/charts/web/templates/deployment.yaml',
        message: expect.stringContaining('Helm template'),
        hint: expect.stringContaining('helm template'),
      }),
    ])
    expect(evidence).toEqual([])
  })

  it('points every kustomization at kustomize build of its own folder, and still reads plain manifests', async () => {
    const dir = await tree(kustomize)
    const { errors, evidence } = await collectFiles(dir, [{ path: 'deploy', type: 'auto' }])
    expect(errors.map((e) => [e.file, e.hint?.match(/kustomize build \S+/)?.[0]])).toEqual([
      ['deploy/kustomize/base/kustomization.yaml', 'kustomize build deploy/kustomize/base'],
      ['deploy/kustomize/overlays/prod/kustomization.yaml', 'kustomize build deploy/kustomize/overlays/prod'],
    ])
    expect(evidence.map((e) => `${e.kind}/${e.name}`)).toEqual(['k8s.workload/api'])
  })

  it('assesses what helm template printed for the chart', async () => {
    const rendered = await readFile(
      path.join(import.meta.dirname, 'testdata/ingress-nginx-rendered.yaml'),
      'utf8',
    )
    const dir = await tree({ ...chart, 'rendered/web.yaml': rendered })
    const { errors, evidence } = await collectFiles(dir, [{ path: 'rendered', type: 'auto' }])
    expect(errors).toEqual([])
    expect(evidence.some((e) => e.kind === 'k8s.workload' && e.name === 'ingress-nginx-controller')).toBe(
      true,
    )
  })
})
