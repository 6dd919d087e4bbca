/**
 * vitest global setup: build the app once (`electron-vite build`) before any test runs, so tests that
 * spawn out/main/{engine,cli,worker}.js never see stale code. Quiet on success; on failure the build's
 * own output is shown and the test run stops.
 */
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export default function setup(): void {
  if (process.env.LAB_TEST_SKIP_BUILD === '1') return
  const root = fileURLToPath(new URL('../..', import.meta.url))
  const started = Date.now()
  const r = spawnSync('npx', ['electron-vite', 'build'], { cwd: root, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } })
  if (r.error || r.status !== 0) {
    const output = [r.stdout, r.stderr].filter(Boolean).join('\n').trim()
    throw new Error(
      `global setup: \`npx electron-vite build\` failed (${r.error ? r.error.message : `exit ${r.status ?? r.signal}`}) after ${Date.now() - started} ms\n${output}`
    )
  }
}
