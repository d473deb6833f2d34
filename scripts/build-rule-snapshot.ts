// Validates every built rule.yaml once, at build time, and writes their parsed forms with each file's
// hash to dist/checks/rules-snapshot.json: at run time a rule whose file is unchanged is compiled
// from it without YAML parsing or schema validation (the larger part of loading the checks).
// It also writes dist/checks/checks-manifest.json, every check.ts's metadata with the hash of its
// code: commands that assess import a check's module only when there is evidence for it to read.
// Run after copy-rules: it reads the rule.yaml files beside the built loader.
import { writeFileSync } from 'node:fs'
import {
  buildCheckManifest,
  buildRuleSnapshot,
  checkManifestFile,
  ruleSnapshotFile,
} from '../checks/load-checks.js'

const snapshot = await buildRuleSnapshot()
writeFileSync(ruleSnapshotFile, `${JSON.stringify(snapshot)}\n`)
console.log(`validated ${Object.keys(snapshot.rules).length} rule(s) into ${ruleSnapshotFile}`)
const manifest = await buildCheckManifest()
writeFileSync(checkManifestFile, `${JSON.stringify(manifest)}\n`)
console.log(`described ${Object.keys(manifest.checks).length} check module(s) in ${checkManifestFile}`)
