import { z } from 'zod'
import { defineCheck } from '../../../src/core/check.js'
import { exemptMessage } from '../shared/scope.js'

/**
 * The sockets of the container runtimes a node may run, and the directories that hold them: mounting
 * `/var/run` hands over `/var/run/docker.sock` just the same. `/run` and `/var/run` are the same
 * directory on current distributions.
 */
const socketPaths = [
  '/var/run/docker.sock',
  '/var/run/docker',
  '/var/run/containerd/containerd.sock',
  '/var/run/containerd',
  '/var/run/crio/crio.sock',
  '/var/run/crio',
  '/var/run/cri-dockerd.sock',
  '/var/run/k3s/containerd/containerd.sock',
  '/var/run/k3s/containerd',
  '/var/run/k3s',
  '/var/run',
  '/var',
  '/',
]

/** A runtime socket wherever a distribution keeps it (`/run/k0s/containerd.sock`, MicroK8s, Podman). */
const socketName = /\/(docker|containerd|crio|dockershim|cri-dockerd|podman)\.sock$/

/** `/run/x` and `/var/run/x` as one spelling, without trailing or doubled slashes. */
function canonicalPath(path: string): string {
  const clean = `/${path.trim().split('/').filter(Boolean).join('/')}`
  return clean === '/run' || clean.startsWith('/run/') ? `/var${clean}` : clean
}

export default defineCheck({
  id: 'kubernetes/workload-mounts-no-container-runtime-socket',
  title: 'No workload mounts the container runtime socket',
  description:
    "Whoever can talk to the node's container runtime (the Docker, containerd or CRI-O socket) can " +
    'start a privileged container on that node, read every other container and its secrets, and so ' +
    'own the node. NSA/CISA Kubernetes hardening guidance names it as a path to full compromise. No ' +
    'namespace is exempt by default: an agent that truly needs it must be an accepted, reviewed exception.',
  remediation:
    'Remove the `hostPath` volume that points at the runtime socket (or the directory holding it, such ' +
    'as `/var/run`). Build images with a rootless builder (BuildKit rootless, Kaniko) instead of ' +
    'Docker-in-Docker through the socket, and read container metadata through the kubelet or the ' +
    'Kubernetes API. Where a vendor agent needs it, list its namespace in `exemptNamespaces` with the reason.',
  severity: 'critical',
  reads: ['k8s.workload'],
  params: z.object({ exemptNamespaces: z.array(z.string()).default([]) }),
  evaluate({ evidence, params, result }) {
    const sockets = new Set(socketPaths)
    return evidence['k8s.workload'].map((workload) => {
      if (params.exemptNamespaces.includes(workload.namespace)) {
        return result.notApplicable(workload, exemptMessage(workload.namespace))
      }
      const mounted = workload.hostPathVolumes.filter((path) => {
        const canonical = canonicalPath(path)
        return sockets.has(canonical) || socketName.test(canonical)
      })
      return mounted.length === 0
        ? result.pass(
            workload,
            workload.hostPathVolumes.length === 0
              ? 'mounts no hostPath volume'
              : `mounts no runtime socket (hostPath: ${workload.hostPathVolumes.join(', ')})`,
          )
        : result.fail(workload, `mounts the container runtime socket or its directory: ${mounted.join(', ')}`)
    })
  },
})
