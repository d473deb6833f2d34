import { escapeXml } from '../../core/escape-markup.js'
import type { PackageModel } from '../../core/package/model.js'

const e = escapeXml

/**
 * JUnit XML for CI: a test suite per control, a test case per test of that control. Exceptions are
 * failures; a test that could not run is an error; no evidence or not applicable is skipped.
 */
export function renderJunit(pkg: PackageModel, options: { failuresListed?: number } = {}): string {
  const listed = options.failuresListed ?? 50
  const failuresByTest = new Map<string, string[]>()
  for (const control of pkg.controls)
    for (const exception of control.exceptions)
      if (exception.accepted === undefined) {
        const key = `${control.id}\u0000${exception.test}`
        const list = failuresByTest.get(key) ?? []
        list.push(`${exception.subject} (${exception.location}): ${exception.detail}`)
        failuresByTest.set(key, list)
      }
  let tests = 0
  let failures = 0
  let errors = 0
  let skipped = 0
  const suites = pkg.controls.map((control) => {
    let sFailures = 0
    let sErrors = 0
    let sSkipped = 0
    const cases = control.tests.map((t) => {
      const attrs = `name="${e(t.what)}" classname="${e(control.id)}" time="0"`
      if (t.status === 'fail') {
        sFailures++
        const detail = (failuresByTest.get(`${control.id}\u0000${t.id}`) ?? [t.result]).slice(0, listed)
        return `    <testcase ${attrs}>\n      <failure message="${e(t.result)}" type="exception">${e(detail.join('\n'))}</failure>\n    </testcase>`
      }
      if (t.status === 'error') {
        sErrors++
        return `    <testcase ${attrs}>\n      <error message="${e(t.result)}"/>\n    </testcase>`
      }
      if (t.status === 'no-evidence' || t.status === 'not-applicable') {
        sSkipped++
        return `    <testcase ${attrs}>\n      <skipped message="${e(t.result)}"/>\n    </testcase>`
      }
      return `    <testcase ${attrs}/>`
    })
    tests += cases.length
    failures += sFailures
    errors += sErrors
    skipped += sSkipped
    const props = `    <properties>\n      <property name="criteria" value="${e(control.criteria.join(' '))}"/>\n      <property name="owner" value="${e(control.owner)}"/>\n    </properties>`
    return `  <testsuite name="${e(`${control.id} — ${control.title}`)}" tests="${cases.length}" failures="${sFailures}" errors="${sErrors}" skipped="${sSkipped}" time="0" timestamp="${e(pkg.generatedAt.replace(/\.\d+Z$/, ''))}">\n${props}\n${cases.join('\n')}\n  </testsuite>`
  })
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${e(`trustctl SOC 2 Type ${pkg.engagement.type}: ${pkg.system}`)}" tests="${tests}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="0">\n${suites.join('\n')}\n</testsuites>\n`
}
