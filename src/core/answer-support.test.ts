import { describe, expect, it } from 'vitest'
import { answerSupport, managementToConfirm } from './answer-support.js'

const test = (check: string, status: 'pass' | 'fail' | 'no-evidence', population = 3) => ({
  check,
  title: `Title of ${check}`,
  status,
  population,
})

describe('what supports a canned auditor answer', () => {
  it('is for management to confirm when the answer cites no test', () => {
    expect(answerSupport({}, [test('a/b', 'pass')])).toBe(managementToConfirm)
  })

  it('cites the tests when every one it names passed', () => {
    expect(answerSupport({ evidence: ['a/b', 'a/c'] }, [test('a/b', 'pass'), test('a/c', 'pass', 1)])).toBe(
      'Evidence: Title of a/b (a/b, passed on 3 subjects); Title of a/c (a/c, passed on 1 subject).',
    )
  })

  it('is for management to confirm, naming why, when a cited test failed, lacked evidence or did not run', () => {
    const said = answerSupport({ evidence: ['a/b', 'a/c', 'a/d'] }, [
      test('a/b', 'pass'),
      test('a/c', 'fail'),
    ])
    expect(said).toBe(
      'Management to confirm: the test a/c was fail; the test a/d did not run in this assessment.',
    )
    expect(answerSupport({ evidence: ['a/b'] }, [test('a/b', 'no-evidence', 0)])).toMatch(
      /^Management to confirm/,
    )
  })
})
