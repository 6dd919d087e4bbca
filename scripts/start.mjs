// `npm start`: build, then open the Electron window if Electron's binary is (or can be made) present;
// otherwise say why in one line and serve the same lab to a browser. `npm run serve` goes straight there.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { buildIfStale, root } from './build-if-stale.mjs'

const args = process.argv.slice(2)
const serveOnly = args.includes('--serve')
const engineArgs = args.filter((a) => a !== '--serve')
const FETCH_TIMEOUT_MS = Number(process.env.LAB_ELECTRON_FETCH_TIMEOUT_MS ?? 60_000)

function electronBinary() {
  const dir = join(root, 'node_modules', 'electron')
  const pathFile = join(dir, 'path.txt')
  if (!existsSync(pathFile)) return null
  const bin = join(dir, 'dist', readFileSync(pathFile, 'utf8').trim())
  return existsSync(bin) ? bin : null
}

/** Electron's own install script downloads the binary; run it once, time-boxed. */
function fetchElectron() {
  const install = join(root, 'node_modules', 'electron', 'install.js')
  if (!existsSync(install)) return 'the electron package is not installed'
  process.stderr.write(`Fetching Electron's binary (at most ${Math.round(FETCH_TIMEOUT_MS / 1000)} s)…\n`)
  const r = spawnSync(process.execPath, [install], { cwd: join(root, 'node_modules', 'electron'), timeout: FETCH_TIMEOUT_MS, encoding: 'utf8' })
  if (r.error?.code === 'ETIMEDOUT') return `its download did not finish within ${Math.round(FETCH_TIMEOUT_MS / 1000)} s`
  if (r.status !== 0) {
    const line = `${r.stderr}${r.stdout}`.split('\n').find((l) => /error|fail|ENOTFOUND|ECONN|EAI_AGAIN|403|404/i.test(l))
    return `its download failed${line ? ` (${line.trim().slice(0, 160)})` : ''}`
  }
  return null
}

function whyNoElectron() {
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return 'there is no display (DISPLAY is not set)'
  if (electronBinary()) return null
  return fetchElectron() ?? (electronBinary() ? null : 'its binary is still missing after the download')
}

function run(cmd, argv) {
  const child = spawn(cmd, argv, { cwd: root, stdio: 'inherit' })
  // Ctrl-C reaches the child too; it stops cleanly and we exit with it.
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig))
  child.on('exit', (code, signal) => process.exit(code ?? (signal === 'SIGINT' || signal === 'SIGTERM' ? 0 : 1)))
}

buildIfStale()
const reason = serveOnly ? null : whyNoElectron()
if (!serveOnly && !reason) {
  run(electronBinary(), ['.', ...engineArgs])
} else {
  if (reason) console.log(`Electron is not available here: ${reason}. Serving the lab in your browser instead.`)
  run(process.execPath, [join(root, 'out', 'main', 'engine.js'), '--serve', ...engineArgs])
}
