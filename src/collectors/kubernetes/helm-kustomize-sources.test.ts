import { cp, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import rolesAvoidWildcards from '../../../checks/kubernetes/rbac-roles-avoid-wildcards/check.js'
import notPrivileged from '../../../checks/kubernetes/workload-is-not-privileged/check.js'
import type { Check } from '../../core/check.js'
import { evaluateCheck, unreadKinds } from '../../core/engine.js'
import { groupEvidence } from '../../core/evidence.js'
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

const testdata = path.join(import.meta.dirname, 'testdata')

/**
 * podinfo's chart templates, kept here because a Helm template is not YAML until rendered (the
 * linter would refuse it as a file); the rest of the podinfo-style tree is in testdata/podinfo.
 */
const podinfoTemplates: Record<string, string> = {
  'charts/podinfo/templates/deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ template "podinfo.fullname" . }}
  labels:
    app.kubernetes.io/name: {{ template "podinfo.name" . }}
spec:
  {{- if not .Values.hpa.enabled }}
  replicas: {{ .Values.replicaCount }}
  {{- end }}
  selector:
    matchLabels:
      app.kubernetes.io/name: {{ template "podinfo.fullname" . }}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: {{ template "podinfo.fullname" . }}
    spec:
      containers:
        - name: {{ .Chart.Name }}
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
          imagePullPolicy: {{ .Values.image.pullPolicy }}
          {{- if .Values.securityContext }}
          securityContext:
            {{- toYaml .Values.securityContext | nindent 12 }}
          {{- end }}
          ports:
            - name: http
              containerPort: {{ .Values.service.httpPort | default 9898 }}
          resources:
{{ toYaml .Values.resources | indent 12 }}
`,
  'charts/podinfo/templates/service.yaml': `{{- if .Values.service.enabled -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ template "podinfo.fullname" . }}
spec:
  type: {{ .Values.service.type }}
  ports:
    - port: {{ .Values.service.httpPort }}
      targetPort: http
      name: http
  selector:
    app.kubernetes.io/name: {{ template "podinfo.fullname" . }}
{{- end }}
`,
  'charts/podinfo/templates/hpa.yaml': `{{- if .Values.hpa.enabled -}}
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ template "podinfo.fullname" . }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ template "podinfo.fullname" . }}
  minReplicas: {{ .Values.replicaCount }}
  maxReplicas: {{ .Values.hpa.maxReplicas }}
{{- end }}
`,
  'charts/podinfo/templates/tests/service.yaml': `apiVersion: v1
kind: Pod
metadata:
  name: {{ template "podinfo.fullname" . }}-service-test-{{ randAlphaNum 5 | lower }}
  annotations:
    "helm.sh/hook": test-success
spec:
  containers:
    - name: curl
      image: curlimages/curl:7.69.0
      command: ['curl', '{{ template "podinfo.fullname" . }}:{{ .Values.service.httpPort }}']
  restartPolicy: Never
`,
}

/** The podinfo-style tree in a temporary folder, with its chart templates. */
async function podinfoTree(): Promise<string> {
  const dir = await tree({})
  await cp(path.join(testdata, 'podinfo'), path.join(dir, 'podinfo'), { recursive: true })
  for (const [name, text] of Object.entries(podinfoTemplates)) {
    await mkdir(path.dirname(path.join(dir, 'podinfo', name)), { recursive: true })
    await writeFile(path.join(dir, 'podinfo', name), text)
  }
  return dir
}

describe('Helm chart and Kustomize folders in a repository', () => {
  it('gives a chart one message with the helm template command, and reads none of its files', async () => {
    const dir = await tree(chart)
    const { errors, evidence } = await collectFiles(dir, [{ path: 'deploy', type: 'auto' }])
    expect(errors).toEqual([
      {
        file: 'deploy/charts/web/Chart.yaml',
        line: 1,
        message: expect.stringMatching(/^Helm chart web \(1 template file\): .* rendered/),
        hint: 'render it and add the output as a source: helm template web deploy/charts/web -f deploy/charts/web/values.yaml > rendered/web.yaml',
        kinds: expect.arrayContaining(['k8s.workload', 'k8s.rbac-role', 'k8s.network-policy']),
      },
    ])
    expect(evidence).toEqual([])
  })

  it.each([
    ['chart', chart, 'Helm chart web'],
    ['overlay', kustomize, 'Kustomize overlay'],
  ])(
    'leaves every Kubernetes test incomplete beside an unrendered %s: what was read is judged, never the estate as a whole',
    async (_, files, cause) => {
      const plain = {
        'deploy/plain/deployment.yaml': kustomize['deploy/kustomize/base/deployment.yaml'].replace(
          'name: api',
          'name: worker',
        ),
      }
      const dir = await tree({ ...files, ...plain })
      const { errors, evidence } = await collectFiles(dir, [{ path: 'deploy', type: 'auto' }])
      const judge = (check: Check) =>
        evaluateCheck({ check, params: check.params.parse({}) }, groupEvidence(evidence), unreadKinds(errors))
      // The plain Deployment is not privileged, and no manifest read holds a Role: alone, these would
      // pass and be not applicable. The objects the chart or overlay produces were never seen.
      const privileged = judge(notPrivileged)
      expect(privileged).toContainEqual(
        expect.objectContaining({ subject: expect.objectContaining({ name: 'worker' }), status: 'pass' }),
      )
      expect(privileged).toContainEqual(
        expect.objectContaining({ status: 'no-evidence', message: expect.stringContaining(cause) }),
      )
      const roles = judge(rolesAvoidWildcards)
      expect(roles.map((f) => f.status)).toEqual(['no-evidence'])
      expect(roles[0]?.message).toContain(cause)
    },
  )

  it('gives an overlay one message naming its bases, and reads the plain manifests of the base', async () => {
    const dir = await tree(kustomize)
    const { errors, evidence } = await collectFiles(dir, [{ path: 'deploy', type: 'auto' }])
    expect(errors).toEqual([
      expect.objectContaining({
        file: 'deploy/kustomize/overlays/prod/kustomization.yaml',
        message: expect.stringContaining('building on deploy/kustomize/base'),
        hint: expect.stringContaining('kustomize build deploy/kustomize/overlays/prod'),
      }),
    ])
    expect(evidence.map((e) => `${e.kind}/${e.name}`)).toEqual(['k8s.workload/api'])
  })

  it('reads a Kustomize tree in the style of Online Boutique without one error', async () => {
    const { errors, evidence, inputs } = await collectFiles(testdata, [
      { path: 'online-boutique/kustomize', type: 'auto' },
    ])
    // The root only lists a plain base, and the components are enabled by nothing.
    expect(errors).toEqual([])
    const workloads = evidence.filter((e) => e.kind === 'k8s.workload').map((e) => e.name)
    expect(workloads.sort()).toEqual(['adservice', 'cartservice', 'frontend'])
    // The component's patch is not an object: it is not read, so no second, partial cartservice.
    expect(inputs.map((i) => i.file)).not.toContain(
      'online-boutique/kustomize/components/memorystore/cartservice-redis.yaml',
    )
  })

  it('reports an Online Boutique root that enables components as one overlay', async () => {
    const dir = await tree({})
    await cp(path.join(testdata, 'online-boutique'), dir, { recursive: true })
    const rootFile = path.join(dir, 'kustomize/kustomization.yaml')
    const text = await readFile(rootFile, 'utf8')
    await writeFile(rootFile, text.replace('# - components/cymbal-branding', '- components/cymbal-branding'))
    const { errors, evidence } = await collectFiles(dir, [{ path: 'kustomize', type: 'auto' }])
    expect(errors.map((e) => [e.file, e.message])).toEqual([
      [
        'kustomize/kustomization.yaml',
        expect.stringContaining('building on kustomize/base, kustomize/components/cymbal-branding'),
      ],
    ])
    expect(evidence.filter((e) => e.kind === 'k8s.workload')).toHaveLength(3)
  })

  it('gives podinfo one message for its chart and one for its overlay, and reads the rest', async () => {
    const { errors, evidence } = await collectFiles(await podinfoTree(), [{ path: 'podinfo', type: 'auto' }])
    expect(errors.map((e) => [e.file, e.message.split(':')[0]])).toEqual([
      ['podinfo/charts/podinfo/Chart.yaml', 'Helm chart podinfo (4 template files)'],
      [
        'podinfo/deploy/webapp/kustomization.yaml',
        'Kustomize overlay (building on podinfo/deploy/webapp/common, podinfo/deploy/webapp/backend, podinfo/deploy/webapp/frontend)',
      ],
    ])
    const workloads = evidence.filter((e) => e.kind === 'k8s.workload').map((e) => `${e.file}`)
    expect(workloads).toEqual([
      'podinfo/deploy/webapp/backend/deployment.yaml',
      'podinfo/deploy/webapp/frontend/deployment.yaml',
      'podinfo/kustomize/deployment.yaml',
    ])
  })

  it('still names a single template file given as the source', async () => {
    const { errors } = await collectFiles(await podinfoTree(), [
      { path: 'podinfo/charts/podinfo/templates/deployment.yaml', type: 'kubernetes' },
    ])
    expect(errors).toEqual([expect.objectContaining({ message: expect.stringContaining('Helm template') })])
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
