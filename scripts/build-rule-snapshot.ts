// Validates every built rule.yaml once, at build time, and writes their parsed forms with each file's
// hash to dist/checks/rules-snapshot.json: at run time a rule whose file is unchanged is compiled
// from it without YAML parsing or schema validation (the larger part of loading the checks).
// Run after copy-rules: it reads the rule.yaml files beside the built loader.
import { writeFileSync } from 'node:fs'
import { buildRuleSnapshot, ruleSnapshotFile } from '../checks/load-checks.js'

const snapshot = await buildRuleSnapshot()
writeFileSync(ruleSnapshotFile, `${JSON.stringify(snapshot)}\n`)
console.log(`validated ${Object.keys(snapshot.rules).length} rule(s) into ${ruleSnapshotFile}`)
