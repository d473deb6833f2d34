import type { CollectionError } from '../../core/evidence.js'
import { parseDockerfile } from '../dockerfile/parse-dockerfile.js'
import { parseWorkflow } from '../github-actions/parse-workflow.js'
import { parseGitLabCi } from '../gitlab-ci/parse-gitlab-ci.js'
import { parseManifests } from '../kubernetes/parse-manifests.js'
import { givesSomething, type ParsedInput } from '../source-collector.js'
import { looksLikeTemplate, TemplateError, templateEvidence } from '../terraform/read-cloudformation.js'

/**
 * One file's bytes to evidence, for the readers a walk chooses by name (Kubernetes YAML, Dockerfiles,
 * GitHub Actions, GitLab CI): pure, so its result can be cached by the file's content hash.
 */

/** The readers whose files parseFile reads. */
export type ParsedReader = 'kubernetes' | 'dockerfile' | 'github-actions' | 'gitlab-ci'

/**
 * `screen` is given the file's text when the result holds evidence or errors (what a run masks), so
 * the secret screen of the masking pass need not read and decode the file again.
 */
export function parseFile(
  file: string,
  collector: ParsedReader,
  bytes: Uint8Array,
  screen?: (text: string) => void,
): ParsedInput {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8')
  const result = parseText(file, collector, bytes, text)
  if (screen !== undefined && givesSomething(result)) screen(text)
  return result
}

function parseText(file: string, collector: ParsedReader, bytes: Uint8Array, text: string): ParsedInput {
  if (text.includes('\u0000')) {
    return { isManifest: false, evidence: [], errors: [{ file, message: 'binary file: expected text' }] }
  }
  // Invalid UTF-8 decodes to U+FFFD: say where, rather than let a name silently become `bad\uFFFD`.
  const invalid = text.includes('\uFFFD') ? invalidUtf8Line(bytes) : undefined
  const encodingErrors: CollectionError[] =
    invalid === undefined
      ? []
      : [
          {
            file,
            line: invalid,
            message: 'invalid UTF-8: the bytes here are not text in UTF-8; read with U+FFFD in their place',
          },
        ]
  const result =
    collector === 'dockerfile'
      ? { ...parseDockerfile(text, file), isManifest: true }
      : collector === 'github-actions'
        ? { ...parseWorkflow(text, file), isManifest: true }
        : collector === 'gitlab-ci'
          ? { ...parseGitLabCi(text, file), isManifest: true }
          : readYaml(text, file)
  return {
    isManifest: result.isManifest,
    evidence: result.evidence,
    errors: [...encodingErrors, ...result.errors],
    ...('collector' in result && result.collector !== undefined ? { collector: result.collector } : {}),
  }
}

/**
 * A YAML file: Kubernetes objects, or a CloudFormation template (no `kind`, but `Resources` of
 * `AWS::` types), which an `auto` walk reads instead of passing over it as some other YAML.
 */
export function readYaml(text: string, file: string): ParsedInput {
  const manifests = parseManifests(text, file)
  if (manifests.isManifest || !looksLikeTemplate(text)) return manifests
  try {
    return {
      isManifest: true,
      evidence: templateEvidence(text, file),
      errors: [],
      collector: 'cloudformation',
    }
  } catch (error) {
    if (!(error instanceof TemplateError)) throw error
    return {
      isManifest: true,
      evidence: [],
      errors: [{ file, ...(error.line === undefined ? {} : { line: error.line }), message: error.message }],
      collector: 'cloudformation',
    }
  }
}

/** The line of the first byte sequence that is not UTF-8, or undefined when the text is valid. */
export function invalidUtf8Line(bytes: Uint8Array): number | undefined {
  const decoder = new TextDecoder('utf-8', { fatal: true })
  try {
    decoder.decode(bytes)
    return undefined
  } catch {
    // Decode line by line to find the first bad one: only on the rare file that has one.
    let line = 1
    let start = 0
    for (let i = 0; i <= bytes.length; i++) {
      if (i === bytes.length || bytes[i] === 0x0a) {
        try {
          decoder.decode(bytes.subarray(start, i))
        } catch {
          return line
        }
        line += 1
        start = i + 1
      }
    }
    return line
  }
}
