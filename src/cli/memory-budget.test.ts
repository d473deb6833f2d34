import { setTimeout as sleep } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import { collectReleased, collectReleasedAbove } from './memory-budget.js'

describe('collectReleased', () => {
  it('leaves a small heap to the engine: no collection, no time spent', () => {
    expect(collectReleased(collectReleasedAbove - 1)).toBe(false)
  })

  it('collects what a large run let go, there and then', async () => {
    // Made in a function of its own, so that nothing on this stack still holds the object.
    const weak = (() => new WeakRef({ items: Array.from({ length: 1000 }, (_, i) => ({ i })) }))()
    // A weak target lives at least to the end of the job that made it.
    await sleep(0)
    expect(collectReleased(collectReleasedAbove)).toBe(true)
    expect(weak.deref()).toBeUndefined()
  })
})
