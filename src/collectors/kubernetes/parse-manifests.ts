import yaml from 'js-yaml'
import { type CollectionError, type EvidenceItem, kubernetesKinds } from '../../core/evidence.js'
import type { YamlObject } from './read-object.js'
import { splitYamlDocuments } from './split-documents.js'
import { isBuiltInApiGroup, isKnownBuiltInKind, toEvidence } from './to-evidence.js'

export interface ManifestParseResult {
  evidence: EvidenceItem[]
  errors: CollectionError[]
  /** False when no document in the file looks like a Kubernetes object (values.yaml, compose files…). */
  isManifest: boolean
}

/**
 * A Go-template action that uses Helm's own objects or functions. Plain Go-template actions
 * (`{{ define }}`, `{{ template }}`, `{{ $labels }}`) are not enough: rendered ConfigMaps carry
 * Alertmanager and Prometheus templates written that way, and those files are manifests.
 */
const helmTemplateMarkers =
  /\{\{[^}]*?(\.Values\b|\.Release\b|\.Chart\b|\.Capabilities\b|\.Files\b|\binclude\s|\btoYaml\b|\btpl\s)/

/** js-yaml's own timestamp type (its module exports it; the type declarations do not list it). */
const defaultTimestamp = (yaml as unknown as { types: { timestamp: yaml.Type & { tag: string } } }).types
  .timestamp

/**
 * Whether a scalar may be a timestamp: both of js-yaml's timestamp patterns start with a four-digit
 * year and a `-`, and the shorter (a date, `2026-01-31`) is ten characters long.
 */
function mayBeTimestamp(data: string): boolean {
  return data.length >= 10 && data.charCodeAt(4) === 45
}

/**
 * js-yaml's timestamp type, asked first whether the scalar can be one at all. Every plain scalar of a
 * manifest (names, images, labels) is tried as a timestamp, two regular expressions, before it is kept
 * as a string: about a fifteenth of parsing a 10k-object estate. It resolves and constructs exactly
 * what the default type does, under the same tag, and takes the default's place in the schema.
 */
const timestamp = new yaml.Type(defaultTimestamp.tag, {
  kind: 'scalar',
  resolve: (data: unknown) => data !== null && mayBeTimestamp(String(data)) && defaultTimestamp.resolve(data),
  construct: (data: unknown) => defaultTimestamp.construct(data),
  instanceOf: defaultTimestamp.instanceOf as object,
  ...(defaultTimestamp.represent === null ? {} : { represent: defaultTimestamp.represent }),
})

/**
 * The default schema plus any application tag (`!Ref`, `!Sub`, `!!python/name:`), read as plain
 * data: a file using them is not a Kubernetes manifest, but it must not make every run partial.
 */
export const manifestSchema = yaml.DEFAULT_SCHEMA.extend({
  implicit: [timestamp],
  explicit: (['scalar', 'sequence', 'mapping'] as const).flatMap((kind) =>
    ['!', 'tag:yaml.org,2002:python/'].map(
      (prefix) => new yaml.Type(prefix, { kind, multi: true, construct: (data: unknown) => data }),
    ),
  ),
})

/**
 * Reads a YAML file that may hold Kubernetes objects: multi-document streams, `List` kinds and
 * rendered Helm or Kustomize output. Each document is parsed on its own so one bad document does
 * not hide the others; each object keeps the line its document starts on.
 */
export function parseManifests(text: string, file: string): ManifestParseResult {
  const evidence: EvidenceItem[] = []
  const errors: CollectionError[] = []
  const untyped: { line: number; value: unknown }[] = []
  let typed = 0
  for (const document of splitYamlDocuments(text)) {
    let parsed: unknown
    try {
      parsed = yaml.load(document.text, { filename: file, schema: manifestSchema })
    } catch (error) {
      errors.push(yamlError(error, file, document.startLine, document.text))
      continue
    }
    if (parsed === null || parsed === undefined) continue
    // A kustomization is no object: the repository walk reports the overlay it belongs to once
    // (tool-folders.ts), and a base that only lists plain manifests has them read as they are.
    if (isKustomization(parsed, file)) continue
    if (!isObject(parsed) || typeof parsed.kind !== 'string' || typeof parsed.apiVersion !== 'string') {
      untyped.push({ line: document.contentLine, value: parsed })
      continue
    }
    typed++
    // The lines of a list's items are looked for only in a list: most documents are one object.
    readObject(parsed, file, document.contentLine, evidence, errors, () =>
      listItemLines(document.text, document.startLine),
    )
  }
  const helmLine = helmTemplateLine(text)
  // A chart's values.yaml may hold Helm actions as data (strings passed to `tpl`, commented
  // examples): it parses cleanly, holds no object, and keeps the actions in its strings. A
  // template does not parse, names a kind, or loses its actions to YAML syntax (`{{ … }}` read
  // as a flow mapping).
  const helmActionsAreData =
    typed === 0 && errors.length === 0 && untyped.some((doc) => stringsContainHelmAction(doc.value))
  // `helm template` output marks each document with `# Source:`; Helm-looking text that survives in
  // rendered output (alerting rules, dashboards) is data, and the objects around it are assessed.
  // Asked only of a file with a Helm action: the test reads every line of the file.
  const renderedByHelm = () => errors.length === 0 && typed > 0 && /^# Source: /m.test(text)
  if (helmLine !== undefined && !helmActionsAreData && !renderedByHelm()) {
    return {
      evidence: [],
      isManifest: true,
      errors: [
        {
          file,
          line: helmLine,
          message:
            'this is a Helm template, not a manifest: its values are filled in only when the chart is rendered',
          hint: 'render the chart and assess the output: helm template <release> <chart-dir> -f <values.yaml> > rendered.yaml',
          kinds: [...kubernetesKinds],
        },
      ],
    }
  }
  // A readable file with no Kubernetes object is some other YAML (values, compose, app config): not
  // ours to judge. An unreadable one is reported: nobody can tell what it would have held.
  if (typed === 0) return { evidence: [], errors, isManifest: errors.length > 0 }
  // Beside objects, a document that does not parse was most likely one more.
  for (const error of errors) error.kinds ??= [...kubernetesKinds]
  for (const doc of untyped) {
    errors.push({
      file,
      line: doc.line,
      message: 'document has no apiVersion and kind, so it is not a Kubernetes object',
    })
  }
  return { evidence, errors, isManifest: true }
}

/** `kind: Kustomization`, or a `kustomization.yaml` without one (apiVersion and kind are optional there). */
function isKustomization(parsed: unknown, file: string): boolean {
  if (!isObject(parsed)) return false
  if (parsed.kind === 'Kustomization') return true
  if (typeof parsed.apiVersion === 'string' && parsed.apiVersion.startsWith('kustomize.config.k8s.io'))
    return true
  const base = file.slice(file.lastIndexOf('/') + 1)
  return /^kustomization\.ya?ml$/i.test(base) && parsed.kind === undefined
}

/** The 1-based line of the first Helm action outside a comment, if any. */
function helmTemplateLine(text: string): number | undefined {
  // Every marker starts with `{{`: a file without one (most manifests) is not split into lines.
  if (!text.includes('{{')) return undefined
  const index = text
    .split(/\r?\n/)
    .findIndex((line) => !line.trimStart().startsWith('#') && helmTemplateMarkers.test(line))
  return index < 0 ? undefined : index + 1
}

function stringsContainHelmAction(value: unknown): boolean {
  if (typeof value === 'string') return helmTemplateMarkers.test(value)
  if (Array.isArray(value)) return value.some(stringsContainHelmAction)
  if (isObject(value))
    return Object.entries(value).some(([k, v]) => helmTemplateMarkers.test(k) || stringsContainHelmAction(v))
  return false
}

/**
 * 1-based lines where the entries of a top-level `items:` list start (`- apiVersion: …`), in order.
 * Only the first level of entries counts: nested lists are indented deeper.
 */
function listItemLines(text: string, startLine: number): number[] {
  const lines = text.split(/\r?\n/)
  const itemsAt = lines.findIndex((l) => /^items\s*:\s*$/.test(l))
  if (itemsAt < 0) return []
  const starts: number[] = []
  let indent: number | undefined
  for (let i = itemsAt + 1; i < lines.length; i++) {
    const current = lines[i] ?? ''
    if (/^\S/.test(current) && !current.startsWith('-')) break
    const match = /^(\s*)- /.exec(current)
    if (match === null) continue
    const width = match[1]?.length ?? 0
    indent ??= width
    if (width === indent) starts.push(startLine + i)
  }
  return starts
}

function readObject(
  object: YamlObject,
  file: string,
  line: number,
  evidence: EvidenceItem[],
  errors: CollectionError[],
  /** Where the entries of a top-level `items:` list start (listItemLines), asked for only by a list. */
  itemLinesOf: () => readonly number[] = () => [],
): void {
  const kind = String(object.kind)
  const apiVersion = String(object.apiVersion)
  // `kind: List` (kubectl get -o yaml) and typed lists (`DeploymentList`) hold objects in `items`.
  if (kind === 'List' || (kind.endsWith('List') && Array.isArray(object.items))) {
    const items = Array.isArray(object.items) ? object.items : []
    const itemLines = itemLinesOf()
    items.forEach((item, i) => {
      if (!isObject(item) || typeof item.kind !== 'string' || typeof item.apiVersion !== 'string') {
        errors.push({
          file,
          line: itemLines[i] ?? line,
          message: `items[${i}]: not a Kubernetes object (no apiVersion and kind)`,
          kinds: [...kubernetesKinds],
        })
        return
      }
      // Each item is reported at its own line, as kubectl wrote it, so an auditor can find it.
      readObject(item, file, itemLines[i] ?? line, evidence, errors)
    })
    return
  }
  if (isBuiltInApiGroup(apiVersion) && !isKnownBuiltInKind(kind)) {
    errors.push({
      file,
      line,
      message: `unknown kind '${kind}' for apiVersion '${apiVersion}'`,
      kinds: [...kubernetesKinds],
    })
    return
  }
  const { item, problems } = toEvidence(object, { file, line })
  if (item !== undefined) evidence.push(item)
  const name =
    isObject(object.metadata) && typeof object.metadata.name === 'string' ? object.metadata.name : '(unnamed)'
  // An object that could not be read is left out of the evidence: what it was is unknown to the checks,
  // so every manifest kind is incomplete rather than judged without it.
  for (const problem of problems)
    errors.push({ file, line, message: `${kind} ${name}: ${problem}`, kinds: [...kubernetesKinds] })
}

function yamlError(error: unknown, file: string, startLine: number, text: string): CollectionError {
  const found: CollectionError =
    error instanceof yaml.YAMLException
      ? { file, line: startLine + error.mark.line, message: `invalid YAML: ${error.reason}` }
      : { file, line: startLine, message: `invalid YAML: ${String(error)}` }
  // A document that names an apiVersion or kind was an object, and whatever it was went unread: every
  // manifest kind is incomplete. Other broken YAML (a linter's fixture, an app's config) is reported
  // alone, unless the file holds objects too (parseManifests).
  if (/^\s*(apiVersion|kind)\s*:/m.test(text)) found.kinds = [...kubernetesKinds]
  // `{{ template "x" . }}` (Helm 2 style) breaks YAML without naming a Helm object; say what it may be.
  if (text.split(/\r?\n/).some((line) => !line.trimStart().startsWith('#') && line.includes('{{')))
    found.hint =
      'if this is a Helm template, render it first: helm template <release> <chart-dir> > rendered.yaml'
  return found
}

function isObject(value: unknown): value is YamlObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
