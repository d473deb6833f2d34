import { existsSync } from 'node:fs'
import path from 'node:path'
import type { KubeConfig } from '@kubernetes/client-node'
import { z } from 'zod'
import { ConfigError } from '../../core/errors.js'
import { defineSourceCollector, type SourceCollector, type SourceContext } from '../source-collector.js'

const options = z.strictObject({
  type: z.literal('kubernetes-live'),
  /** trustctl.yaml gives every source an `exclude` list; it names files, which a cluster has not. */
  exclude: z.array(z.string()).max(0, 'file patterns do not apply to a cluster; use namespaces').optional(),
  /** The kubeconfig context to read; the current context when omitted. */
  context: z.string().min(1).optional(),
  /** Read namespaced kinds only in these namespaces; cluster-wide kinds are always read. */
  namespaces: z
    .array(z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a namespace name'))
    .min(1)
    .optional(),
  /** A kubeconfig file (relative to trustctl.yaml); else $KUBECONFIG, else ~/.kube/config, else in-cluster. */
  kubeconfig: z.string().min(1).optional(),
  /** How long one API call may take before it is abandoned, in seconds. */
  timeoutSeconds: z.number().int().min(1).max(600).default(30),
})

type KubeConfigClass = new () => KubeConfig

/** `~/.kube/prod` as a shell would read it; other paths relative to trustctl.yaml. */
function resolveHome(file: string, context: SourceContext): string {
  const home = context.env.HOME
  if (home !== undefined && (file === '~' || file.startsWith('~/'))) return path.join(home, file.slice(1))
  return path.resolve(context.root, file)
}

/**
 * Loads the kubeconfig as kubectl would, from the run's environment rather than the process's, so
 * tests and the server pass their own.
 */
function loadKubeConfig(
  KubeConfig: KubeConfigClass,
  settings: z.infer<typeof options>,
  context: SourceContext,
): KubeConfig {
  const kc = new KubeConfig()
  const files = settings.kubeconfig
    ? [resolveHome(settings.kubeconfig, context)]
    : (context.env.KUBECONFIG ?? '').split(path.delimiter).filter((f) => f !== '')
  if (files.length === 0 && context.env.HOME !== undefined) {
    const home = path.join(context.env.HOME, '.kube', 'config')
    if (existsSync(home)) files.push(home)
  }
  const existing = files.filter((f) => existsSync(f))
  if (settings.kubeconfig !== undefined && existing.length === 0)
    throw new ConfigError(`${context.where}.kubeconfig: ${settings.kubeconfig}: no such file`)
  if (existing.length === 0) {
    if (context.env.KUBERNETES_SERVICE_HOST !== undefined) {
      kc.loadFromCluster()
      return kc
    }
    throw new ConfigError(
      `${context.where}: no kubeconfig found (kubeconfig setting, $KUBECONFIG, ~/.kube/config)`,
      {
        hint: 'point the kubeconfig setting at a kubeconfig file, or run where kubectl works',
      },
    )
  }
  const [first, ...rest] = existing
  kc.loadFromFile(first as string)
  // Like kubectl: with several files the first one's current context wins.
  for (const file of rest) {
    const other = new KubeConfig()
    other.loadFromFile(file)
    kc.mergeConfig(other, true)
  }
  if (settings.context !== undefined) {
    if (kc.getContextObject(settings.context) === null)
      throw new ConfigError(`${context.where}.context: no context "${settings.context}" in the kubeconfig`, {
        hint: `contexts: ${kc
          .getContexts()
          .map((c) => c.name)
          .join(', ')}`,
      })
    kc.setCurrentContext(settings.context)
  }
  return kc
}

const kubernetesLive = defineSourceCollector({
  type: 'kubernetes-live',
  summary: 'A live Kubernetes cluster through the kubeconfig context (read-only list calls)',
  options,
  async collect(settings, context) {
    // The Kubernetes client (hundreds of modules) is loaded only when a cluster is read.
    const { KubeConfig } = await import('@kubernetes/client-node')
    const { collectCluster } = await import('./collect-cluster.js')
    const kc = loadKubeConfig(KubeConfig, settings, context)
    const contextName = kc.getCurrentContext()
    if (kc.getCurrentCluster() === null)
      throw new ConfigError(`${context.where}: the kubeconfig context "${contextName}" names no cluster`)
    return collectCluster(kc, contextName, settings.namespaces, settings.timeoutSeconds * 1000)
  },
})

/** The source types this folder's collectors read; the registry lists them for trustctl.yaml. */
export const collectors: readonly SourceCollector[] = [kubernetesLive]
