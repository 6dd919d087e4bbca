/**
 * Test projects (vitest 4):
 *  - unit: engine, store, CLI, transports — node environment, test/unit/**\/*.test.ts (not *.dom.test.ts)
 *  - dom:  renderer components — happy-dom + the Vue plugin, test/unit/**\/*.dom.test.ts
 *  - e2e:  the real app in serve mode driven by Playwright — test/e2e/**\/*.test.ts, one file at a time
 * The global setup builds the app once (out/main/*.js), so tests that spawn the engine, the CLI or run
 * workers always see fresh code. Projects do not `extend` the root, so the build runs once per vitest run.
 */
import vue from '@vitejs/plugin-vue'
import { readFileSync } from 'node:fs'
import { defineConfig } from 'vitest/config'

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'))
const define = { __LAB_VERSION__: JSON.stringify(pkg.version) }

export default defineConfig({
  test: {
    globalSetup: ['test/setup/build.ts'],
    projects: [
      {
        define,
        test: {
          name: 'unit',
          environment: 'node',
          include: ['test/unit/**/*.test.ts'],
          exclude: ['test/unit/**/*.dom.test.ts', '**/node_modules/**'],
          // These tests start real engine processes, run workers and training runs.
          testTimeout: 60_000,
          hookTimeout: 60_000
        }
      },
      {
        define,
        plugins: [vue()],
        test: {
          name: 'dom',
          environment: 'happy-dom',
          include: ['test/unit/**/*.dom.test.ts']
        }
      },
      {
        define,
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 120_000,
          fileParallelism: false,
          // After unit and dom (group 0) in a plain `vitest run`: the browser tests must not share the two
          // cores with the timing-sensitive engine tests (cancel < 1 s, events per second).
          sequence: { groupOrder: 1 }
        }
      }
    ]
  }
})
