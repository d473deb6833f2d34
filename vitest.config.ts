import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'checks/**/*.test.ts', 'test/**/*.test.ts', 'web/**/*.test.ts'],
    testTimeout: 60_000,
    // beforeAll hooks assess the whole demo estate, as slow as a test on a busy machine.
    hookTimeout: 60_000,
  },
})
