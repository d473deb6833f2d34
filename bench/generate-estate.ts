import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'

/** Deterministic pseudo-random numbers, so every run generates the same estate. */
function random(seed: number): () => number {
  let state = seed
  return () => {
    state = (state * 1664525 + 1013904223) % 2 ** 32
    return state / 2 ** 32
  }
}

const digest = (n: number): string => `sha256:${n.toString(16).padStart(8, '0').repeat(8)}`

function workload(kind: string, name: string, ns: string, good: boolean, n: number): string {
  const context = good
    ? `
          securityContext:
            runAsNonRoot: true
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities: { drop: [ALL] }`
    : ''
  const template = `
    metadata:
      labels: { app: ${name} }
    spec:
      serviceAccountName: ${name}
      containers:
        - name: ${name}
          image: 123456789012.dkr.ecr.us-east-1.amazonaws.com/${name}@${digest(n)}
          ports: [{ containerPort: 8080 }]
          env:
            - { name: LOG_LEVEL, value: info }
            - name: DATABASE_PASSWORD
              valueFrom: { secretKeyRef: { name: ${name}-db, key: password } }
          resources:
            requests: { cpu: 100m, memory: 128Mi }
            limits: { memory: 256Mi }
          readinessProbe: { httpGet: { path: /ready, port: 8080 } }
          livenessProbe: { httpGet: { path: /live, port: 8080 } }${context}`
  return `apiVersion: apps/v1
kind: ${kind}
metadata:
  name: ${name}
  namespace: ${ns}
  labels: { app.kubernetes.io/name: ${name}, app.kubernetes.io/part-of: bench }
spec:
  replicas: ${good ? 3 : 1}
  selector: { matchLabels: { app: ${name} } }
  template:${template}
`
}

function service(name: string, ns: string, lb: boolean): string {
  return `apiVersion: v1
kind: Service
metadata: { name: ${name}, namespace: ${ns} }
spec:
  type: ${lb ? 'LoadBalancer' : 'ClusterIP'}
  selector: { app: ${name} }
  ports: [{ port: 80, targetPort: 8080 }]
`
}

function configMap(name: string, ns: string): string {
  return `apiVersion: v1
kind: ConfigMap
metadata: { name: ${name}-config, namespace: ${ns} }
data:
  settings.yaml: |
    feature_flags: [a, b, c]
    timeout_seconds: 30
`
}

function networkPolicy(ns: string): string {
  return `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: default-deny, namespace: ${ns} }
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
`
}

function ingress(name: string, ns: string, tls: boolean): string {
  return `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: ${name}, namespace: ${ns} }
spec:
  ingressClassName: nginx
${tls ? `  tls: [{ hosts: [${name}.example.com], secretName: ${name}-tls }]\n` : ''}  rules:
    - host: ${name}.example.com
      http: { paths: [{ path: /, pathType: Prefix, backend: { service: { name: ${name}, port: { number: 80 } } } }] }
`
}

function role(name: string, ns: string, wildcard: boolean): string {
  return `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: { name: ${name}, namespace: ${ns} }
rules:
  - apiGroups: [""]
    resources: [${wildcard ? '"*"' : 'configmaps'}]
    verbs: [${wildcard ? '"*"' : 'get, list'}]
`
}

function dockerfile(n: number, good: boolean): string {
  return good
    ? `# syntax=docker/dockerfile:1
ARG NODE_VERSION=22
FROM node:\${NODE_VERSION}-bookworm@${digest(n)} AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build && npm prune --omit=dev

FROM gcr.io/distroless/nodejs22-debian12:nonroot@${digest(n + 1)}
WORKDIR /app
COPY --from=build /src/dist ./dist
COPY --from=build /src/node_modules ./node_modules
USER 65532:65532
EXPOSE 8080
CMD ["dist/server.js"]
`
    : `FROM python:3.12-slim
WORKDIR /app
RUN apt-get update && apt-get install -y curl build-essential && rm -rf /var/lib/apt/lists/*
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY . .
ENV APP_ENV=production
CMD ["python", "main.py"]
`
}

export interface GeneratedEstate {
  root: string
  objects: number
  dockerfiles: number
  bytes: number
}

/**
 * Writes an estate of `objects` Kubernetes objects (20 per file, a realistic mix of kinds and of good
 * and bad practice) and `dockerfiles` Dockerfiles, plus a trustctl.yaml over all of it.
 */
export function generateEstate(root: string, objects = 10_000, dockerfiles = 2_000): GeneratedEstate {
  const rand = random(42)
  const namespaces = Math.max(1, Math.round(objects / 100))
  const manifestDir = path.join(root, 'deploy')
  mkdirSync(manifestDir, { recursive: true })
  let bytes = 0
  let written = 0
  let file = 0
  while (written < objects) {
    const docs: string[] = []
    for (let i = 0; i < 20 && written < objects; i++, written++) {
      const ns = `team-${written % namespaces}`
      const name = `svc-${written}`
      const good = rand() < 0.7
      const pick = rand()
      if (written < namespaces) {
        docs.push(
          `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${ns}\n  labels: { pod-security.kubernetes.io/enforce: ${good ? 'restricted' : 'privileged'} }\n`,
        )
      } else if (pick < 0.4)
        docs.push(workload(rand() < 0.8 ? 'Deployment' : 'StatefulSet', name, ns, good, written))
      else if (pick < 0.6) docs.push(service(name, ns, rand() < 0.05))
      else if (pick < 0.72) docs.push(configMap(name, ns))
      else if (pick < 0.8) docs.push(ingress(name, ns, good))
      else if (pick < 0.9) docs.push(role(name, ns, !good && rand() < 0.3))
      else docs.push(networkPolicy(ns))
    }
    const text = `# generated by trustctl bench\n${docs.join('---\n')}`
    bytes += Buffer.byteLength(text)
    writeFileSync(path.join(manifestDir, `manifests-${String(file++).padStart(4, '0')}.yaml`), text)
  }
  for (let i = 0; i < dockerfiles; i++) {
    const dir = path.join(root, 'services', `svc-${i}`)
    mkdirSync(dir, { recursive: true })
    const text = dockerfile(i, rand() < 0.6)
    bytes += Buffer.byteLength(text)
    writeFileSync(path.join(dir, 'Dockerfile'), text)
  }
  writeFileSync(
    path.join(root, 'trustctl.yaml'),
    `version: 1
organization: Bench Co
system: { name: Generated estate, description: Synthetic estate for the trustctl benchmark. }
scope: { categories: [security, availability, confidentiality, processing-integrity, privacy], asOf: 2026-11-30 }
sources: [{ path: deploy }, { path: services }]
checks:
  container/final-image-from-allowed-registry: { params: { allowedRegistries: [gcr.io/distroless, docker.io/library] } }
  kubernetes/workload-image-from-allowed-registry: { params: { allowedRegistries: [123456789012.dkr.ecr.us-east-1.amazonaws.com] } }
store: { path: .trustctl }
`,
  )
  return { root, objects, dockerfiles, bytes }
}
