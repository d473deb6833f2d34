// The parsers the file walk hands bytes to, in one module the walk imports only when it parses a
// file (collect-files.ts, loadParsers): a walk whose every file the parse cache answers (a whole-run
// probe, a run where nothing changed) never loads the YAML, Dockerfile, workflow, GitLab CI and
// CloudFormation readers, some 770 kB of bundled code compiled and run at start-up.
export { parseManifests } from '../kubernetes/parse-manifests.js'
export { looksLikeTemplate } from '../terraform/read-cloudformation.js'
export { parseFile, readYaml } from './parse-file.js'
