import yaml from 'js-yaml'
import type { CollectionError, EvidenceItem } from '../../core/evidence.js'
import type { YamlObject } from './read-object.js'
import { splitYamlDocuments } from './split-documents.js'
import { isBuiltInApiGroup, isKnownBuiltInKind, toEvidence } from './to-evidence.js'

export interface ManifestParseResult {
  evidence: EvidenceItem[]
  errors: CollectionError[]
  /** False when no document in the file looks like a Kubernetes object (values.yaml, compose files…). */
  isManifest: boolean
}

const helmTemplateMarkers =
  /\{\{-?\s*(\.Values|\.Release|\.Chart|\.Capabilities|include\s|template\s|toYaml|tpl\s|define\s)/

/**
 * Reads a YAML file that may hold Kubernetes objects: multi-document streams, `List` kinds and
 * rendered Helm or Kustomize output. Each document is parsed on its own so one bad document does
 * not hide the others; each object keeps the line its document starts on.
 */
export function parseManifests(text: string, file: string): ManifestParseResult {
  if (helmTemplateMarkers.test(text)) {
    return {
      evidence: [],
      isManifest: true,
      errors: [
        {
          file,
          line: lineOfMatch(text, helmTemplateMarkers),
          message:
            'this is a Helm template, not a manifest: its values are filled in only when the chart is rendered',
          hint: 'render the chart and assess the output: helm template <release> <chart-dir> -f <values.yaml> > rendered.yaml',
        },
      ],
    }
  }
  const evidence: EvidenceItem[] = []
  const errors: CollectionError[] = []
  const untyped: { line: number }[] = []
  let typed = 0
  for (const document of splitYamlDocuments(text)) {
    let parsed: unknown
    try {
      parsed = yaml.load(document.text, { filename: file })
    } catch (error) {
      errors.push(yamlError(error, file, document.startLine))
      continue
    }
    if (parsed === null || parsed === undefined) continue
    if (!isObject(parsed) || typeof parsed.kind !== 'string' || typeof parsed.apiVersion !== 'string') {
      untyped.push({ line: document.contentLine })
      continue
    }
    typed++
    if (parsed.kind === 'Kustomization' || parsed.apiVersion.startsWith('kustomize.config.k8s.io')) {
      errors.push({
        file,
        line: document.contentLine,
        message: 'this is a Kustomize overlay: the objects it produces exist only once it is built',
        hint: `build it and assess the output: kustomize build ${dirnameOf(file)} > rendered.yaml (or kubectl kustomize)`,
      })
      continue
    }
    readObject(parsed, file, document.contentLine, evidence, errors)
  }
  // A readable file with no Kubernetes object is some other YAML (values, compose, app config): not
  // ours to judge. An unreadable one is reported: nobody can tell what it would have held.
  if (typed === 0) return { evidence: [], errors, isManifest: errors.length > 0 }
  for (const doc of untyped) {
    errors.push({
      file,
      line: doc.line,
      message: 'document has no apiVersion and kind, so it is not a Kubernetes object',
    })
  }
  return { evidence, errors, isManifest: true }
}

function readObject(
  object: YamlObject,
  file: string,
  line: number,
  evidence: EvidenceItem[],
  errors: CollectionError[],
): void {
  const kind = String(object.kind)
  const apiVersion = String(object.apiVersion)
  // `kind: List` (kubectl get -o yaml) and typed lists (`DeploymentList`) hold objects in `items`.
  if (kind === 'List' || (kind.endsWith('List') && Array.isArray(object.items))) {
    const items = Array.isArray(object.items) ? object.items : []
    items.forEach((item, i) => {
      if (!isObject(item) || typeof item.kind !== 'string' || typeof item.apiVersion !== 'string') {
        errors.push({ file, line, message: `items[${i}]: not a Kubernetes object (no apiVersion and kind)` })
        return
      }
      readObject(item, file, line, evidence, errors)
    })
    return
  }
  if (isBuiltInApiGroup(apiVersion) && !isKnownBuiltInKind(kind)) {
    errors.push({ file, line, message: `unknown kind '${kind}' for apiVersion '${apiVersion}'` })
    return
  }
  const { item, problems } = toEvidence(object, { file, line })
  if (item !== undefined) evidence.push(item)
  const name =
    isObject(object.metadata) && typeof object.metadata.name === 'string' ? object.metadata.name : '(unnamed)'
  for (const problem of problems) errors.push({ file, line, message: `${kind} ${name}: ${problem}` })
}

function yamlError(error: unknown, file: string, startLine: number): CollectionError {
  if (error instanceof yaml.YAMLException) {
    const line = startLine + error.mark.line
    return { file, line, message: `invalid YAML: ${error.reason}` }
  }
  return { file, line: startLine, message: `invalid YAML: ${String(error)}` }
}

function isObject(value: unknown): value is YamlObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function lineOfMatch(text: string, pattern: RegExp): number {
  const index = text.search(pattern)
  return index < 0 ? 1 : text.slice(0, index).split('\n').length
}

function dirnameOf(file: string): string {
  const slash = file.lastIndexOf('/')
  return slash < 0 ? '.' : file.slice(0, slash)
}
