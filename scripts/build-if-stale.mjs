// Rebuild out/ with electron-vite when any source is newer than the last build. Build output goes to
// stderr so that commands printing JSON on stdout stay machine-readable.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildNative, nativeIsStale } from './build-native.mjs'

export const root = join(dirname(fileURLToPath(import.meta.url)), '..')

function newest(path) {
  const st = statSync(path)
  if (!st.isDirectory()) return st.mtimeMs
  let m = 0
  for (const e of readdirSync(path)) m = Math.max(m, newest(join(path, e)))
  return m
}

export function buildIfStale({ force = false } = {}) {
  // The addon is rebuilt only when it exists and its C is newer (install builds it, or says why it could not).
  if (nativeIsStale()) {
    const reason = buildNative()
    if (reason) process.stderr.write(`lab: the native BLAS addon could not be rebuilt: ${reason}\n`)
  }
  const stamp = join(root, 'out', 'main', 'engine.js')
  const inputs = ['src-main', 'src-shared', 'src-renderer', 'test/bench', 'resources', 'electron.vite.config.ts', 'package.json']
    .map((p) => join(root, p))
    .filter(existsSync)
  const built = existsSync(stamp) ? statSync(stamp).mtimeMs : 0
  if (!force && built && Math.max(...inputs.map(newest)) <= built) return
  // electron-vite's package exports hide its bin file from require.resolve: find the package folder instead.
  const pkgDir = dirname(createRequire(join(root, 'package.json')).resolve('electron-vite'))
  const bin = join(pkgDir.slice(0, pkgDir.lastIndexOf('electron-vite') + 'electron-vite'.length), 'bin', 'electron-vite.js')
  const r = spawnSync(process.execPath, [bin, 'build'], { cwd: root, encoding: 'utf8' })
  if (r.status !== 0) {
    process.stderr.write(r.stdout + r.stderr)
    process.stderr.write('build failed\n')
    process.exit(1)
  }
}
