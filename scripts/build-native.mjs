// Build the lab's optional native addon (native/blas: GEMM kernels on OpenBLAS or Accelerate) with node-gyp.
// Runs after `npm install` / `npm ci` and as `npm run build:native`. Optional by design: where there is no C
// compiler, no Node headers or no OpenBLAS, it says why and exits 0 — the lab then runs on wasm, and the
// resolver names the reason. `LAB_SKIP_NATIVE=1` skips it.
import { spawnSync } from 'node:child_process'
import { existsSync, statSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const addonDir = join(root, 'native', 'blas')
export const addonFile = join(addonDir, 'build', 'Release', 'lab_blas.node')
const sources = ['lab_blas.c', 'binding.gyp'].map((f) => join(addonDir, f))

/** npm's own node-gyp (npm passes it to scripts; otherwise it sits beside npm's CLI or the node binary). */
function nodeGyp() {
  const candidates = [
    process.env.npm_config_node_gyp,
    process.env.npm_execpath && join(dirname(process.env.npm_execpath), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    join(dirname(process.execPath), 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js')
  ]
  return candidates.find((c) => c && existsSync(c)) ?? null
}

/** Headers of the running Node (Debian's /usr/include/node, or include/node of an official tarball): no download. */
function nodeDir() {
  if (process.env.npm_config_nodedir) return process.env.npm_config_nodedir
  const dir = resolve(dirname(process.execPath), '..')
  return existsSync(join(dir, 'include', 'node', 'node_api.h')) ? dir : null
}

/** Whether the built addon is older than its sources (a developer edited the C). */
export function nativeIsStale() {
  if (!existsSync(addonFile)) return false
  const built = statSync(addonFile).mtimeMs
  return sources.some((s) => existsSync(s) && statSync(s).mtimeMs > built)
}

/** Build; returns null on success or the reason it did not. */
export function buildNative({ log = (m) => process.stderr.write(m + '\n') } = {}) {
  if (process.env.LAB_SKIP_NATIVE === '1') return 'skipped (LAB_SKIP_NATIVE=1)'
  if (process.platform === 'win32') return 'not supported on Windows yet (the addon opens OpenBLAS with dlopen)'
  const gyp = nodeGyp()
  if (!gyp) return 'node-gyp was not found (it comes with npm)'
  const dir = nodeDir()
  const args = [gyp, 'rebuild', ...(dir ? [`--nodedir=${dir}`] : [])]
  log(`lab: building the native BLAS addon (native/blas) with node-gyp${dir ? ` against ${dir}/include/node` : ''}`)
  const r = spawnSync(process.execPath, args, { cwd: addonDir, encoding: 'utf8', timeout: 5 * 60_000 })
  if (r.status === 0 && existsSync(addonFile)) return null
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}`
  const firstError = output.split('\n').find((l) => /error|not found|No such file/i.test(l)) ?? r.error?.message ?? `node-gyp exited with ${r.status}`
  return firstError.trim().slice(0, 300)
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const reason = buildNative()
  if (reason) {
    process.stderr.write(`lab: the native BLAS addon was not built: ${reason}\n`)
    process.stderr.write('lab: the lab works without it (the wasm backend); for the faster `blas` backend install a C compiler and OpenBLAS (Debian: build-essential libopenblas0-pthread), then `npm run build:native`\n')
    // Optional: never fail `npm install` — unless asked for it by name.
    process.exit(process.env.npm_lifecycle_event === 'build:native' ? 1 : 0)
  }
  process.stderr.write(`lab: native BLAS addon built (${addonFile.slice(root.length + 1)})\n`)
}
