import { parserVersion as dockerfile } from './dockerfile/parser-version.js'
import { parserVersion as githubActions } from './github-actions/parser-version.js'
import { parserVersion as gitlabCi } from './gitlab-ci/parser-version.js'
import { parserVersion as kubernetes } from './kubernetes/parser-version.js'
import {
  cloudFormationParserVersion,
  hclParserVersion,
  planParserVersion,
} from './terraform/parser-version.js'

/**
 * The parser version of every collector whose results the parse cache keeps, by the collector name
 * that starts a cache key (`kubernetes:<sha256>:<file>`). Each number lives beside its parser.
 */
export const parserVersions: Readonly<Record<string, number>> = {
  kubernetes,
  dockerfile,
  'github-actions': githubActions,
  'gitlab-ci': gitlabCi,
  terraform: hclParserVersion,
  'terraform-plan': planParserVersion,
  cloudformation: cloudFormationParserVersion,
  // JSON files an `auto` walk recognised by their content: read by the same parsers, but their
  // errors are worded for the walk, so they are cached apart from the typed sources' results.
  'auto-terraform-plan': planParserVersion,
  'auto-cloudformation': cloudFormationParserVersion,
  'auto-kubernetes-json': kubernetes,
}
