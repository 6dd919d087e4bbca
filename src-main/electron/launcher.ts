/**
 * `npm start` and `npm run serve` (scripts/start.mjs builds, then calls launch()). `npm start` opens the
 * Electron window if Electron's binary is (or can be made) present, and otherwise — no display, no binary,
 * or an Electron that dies before its window opens (Ubuntu's AppArmor, missing libraries) — says why in
 * words, with the fix where there is one, and serves the same lab to a browser. Plain Node, no Electron.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type { Readable } from 'node:stream'
import { DATA_DIR_OPTION, PORT_OPTION, UsageError, formatHelp, parseCommandArgs } from '../args'
import { fetchElectron, progressLine } from './electronFetch'
import { isAppLink } from './links'

const SERVE_OPTIONS = { 'data-dir': DATA_DIR_OPTION, port: PORT_OPTION } as const
const START_OPTIONS = {
  'data-dir': DATA_DIR_OPTION,
  port: { ...PORT_OPTION, help: 'only where the lab falls back to serving a browser: ' + PORT_OPTION.help }
} as const

const START_ENV = {
  LAB_DATA_DIR: 'the store folder (as --data-dir)',
  LAB_NODE: 'the Node.js that runs the engine (default: the one running npm start)',
  LAB_ELECTRON_FETCH_TIMEOUT_MS: "give up fetching Electron's binary after this long without data (default 30000); a partial download is resumed next time",
  ELECTRON_OVERRIDE_DIST_PATH: "a folder holding an Electron binary to use instead of node_modules/electron's",
  LAB_TOKEN: 'fixes the token of the browser fallback (default: random per start)'
}

const START_HELP = formatHelp({
  usage: 'npm start -- [options] [phenomenology-lab://<view>…]',
  description:
    "Builds the lab if its sources changed, then opens the desktop window. Where Electron cannot run (no display, its binary cannot be fetched, or it crashes before its window opens) it says why and serves the same lab to your browser instead.\nA link copied in the lab (Compare → Copy link) opens that view, in the lab already open if there is one.",
  options: START_OPTIONS,
  environment: START_ENV
})

const SERVE_HELP = formatHelp({
  usage: 'npm run serve -- [options]',
  description: 'Serves the lab to a browser on 127.0.0.1 (for a headless or remote machine: tunnel with ssh -L). Open the printed URL; it carries the token. Ctrl-C stops it cleanly.',
  options: SERVE_OPTIONS,
  environment: { LAB_DATA_DIR: START_ENV.LAB_DATA_DIR, LAB_TOKEN: 'fixes the token (default: random per start)' }
})

export interface LaunchOptions {
  argv: string[]
  /** The checkout (package.json, node_modules, out/). */
  root: string
  env?: NodeJS.ProcessEnv
  out?: (text: string) => void
  err?: (text: string) => void
  isTTY?: boolean
}

export function electronBinary(root: string, env: NodeJS.ProcessEnv = process.env, platform = process.platform): string | null {
  const dir = join(root, 'node_modules', 'electron')
  const pathFile = join(dir, 'path.txt')
  const name = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : platform === 'win32' ? 'electron.exe' : platform === 'darwin' ? 'Electron.app/Contents/MacOS/Electron' : 'electron'
  // Electron's own override (node_modules/electron/index.js honours it too).
  const bin = env.ELECTRON_OVERRIDE_DIST_PATH ? join(env.ELECTRON_OVERRIDE_DIST_PATH, name) : existsSync(pathFile) ? join(dir, 'dist', name) : null
  return bin && existsSync(bin) ? bin : null
}

export interface EarlyExit {
  reason: string
  /** Lines to paste, where there is a known fix. */
  fix: string[]
}

/** Why an Electron that exited before its window opened did so, from its stderr; with the fix where known. */
export function diagnoseEarlyExit(stderrTail: string, code: number | null, signal: NodeJS.Signals | null, electronPath: string): EarlyExit {
  const how = signal ?? `code ${code}`
  if (/SUID sandbox helper binary was found, but is not configured correctly|No usable sandbox|setuid_sandbox_host|Failed to move to new namespace|apparmor/i.test(stderrTail)) {
    const sandbox = join(dirname(electronPath), 'chrome-sandbox')
    const profile = '/etc/apparmor.d/phenomenology-lab-electron'
    return {
      reason: `Electron aborted before its window opened (${how}): this system's AppArmor forbids its sandbox to create user namespaces (Ubuntu 23.10 and later)`,
      fix: [
        'Allow it once (needs sudo; README → "The desktop window"):',
        `  printf 'abi <abi/4.0>,\\ninclude <tunables/global>\\nprofile phenomenology-lab-electron "%s" flags=(unconfined) {\\n  userns,\\n}\\n' '${electronPath}' | sudo tee ${profile} >/dev/null && sudo apparmor_parser -r ${profile}`,
        `or make Chromium's setuid sandbox helper usable: sudo chown root:root '${sandbox}' && sudo chmod 4755 '${sandbox}'`
      ]
    }
  }
  const lib = /error while loading shared libraries: ([^\s:]+)/.exec(stderrTail)?.[1]
  if (lib) {
    return {
      reason: `Electron cannot start: the system library ${lib} is missing`,
      fix: [`On Debian/Ubuntu: sudo apt-get install -y libgtk-3-0 libnss3 libgbm1 libasound2 (libasound2t64 on Ubuntu 24.04), or the package that provides ${lib}`]
    }
  }
  if (/Missing X server or \$DISPLAY|cannot open display|Failed to connect to Wayland|Failed to connect to the X server/i.test(stderrTail)) {
    return { reason: `Electron could not open a display (${how})`, fix: ['Run npm start in a desktop session (DISPLAY or WAYLAND_DISPLAY set), or use the browser fallback'] }
  }
  const last = stderrTail
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)
    .pop()
  return { reason: `Electron exited (${how}) before its window opened${last ? `: ${last.slice(0, 300)}` : ''}`, fix: [] }
}

export async function launch(o: LaunchOptions): Promise<number> {
  const env = o.env ?? process.env
  const out = o.out ?? ((t: string) => process.stdout.write(t))
  const err = o.err ?? ((t: string) => process.stderr.write(t))
  const isTTY = o.isTTY ?? !!process.stderr.isTTY
  const serveOnly = o.argv[0] === '--serve' // from package.json's "serve" script
  const command = serveOnly ? 'npm run serve' : 'npm start'
  let parsed
  try {
    parsed = serveOnly
      ? parseCommandArgs({ args: o.argv.slice(1), options: SERVE_OPTIONS, strict: true })
      : parseCommandArgs({ args: o.argv, options: START_OPTIONS, strict: true, allowPositionals: true })
  } catch (e) {
    if (!(e instanceof UsageError)) throw e
    err(`${command}: ${e.message} (see: ${command} -- --help)\n`)
    return 2
  }
  const { values, positionals } = parsed
  if (values.help) {
    out(`${serveOnly ? SERVE_HELP : START_HELP}\n`)
    return 0
  }
  const dataDirArgs = values['data-dir'] !== undefined ? ['--data-dir', values['data-dir']] : []
  const portArgs = values.port !== undefined ? ['--port', values.port] : []
  const serve = () => runChild(spawn(process.execPath, [join(o.root, 'out', 'main', 'engine.js'), '--serve', ...dataDirArgs, ...portArgs], { cwd: o.root, env, stdio: 'inherit' }), err)
  if (serveOnly) return serve()
  const notALink = positionals.find((p) => !isAppLink(p))
  if (notALink !== undefined) {
    err(`${command}: unexpected argument ${notALink} (see: ${command} -- --help)\n`)
    return 2
  }

  const reason = await whyNoElectron(o.root, env, { err, isTTY })
  if (reason) {
    out(`Electron is not available here: ${reason}. Serving the lab in your browser instead.\n`)
    return serve()
  }
  const bin = electronBinary(o.root, env)!
  const childEnv: NodeJS.ProcessEnv = {
    ...env,
    // The engine must run under the Node that installed (and built better-sqlite3 for) this checkout —
    // not whichever `node` a desktop launcher or IDE has on PATH.
    LAB_NODE: env.LAB_NODE || process.execPath,
    LAB_READY_FD: '3'
  }
  // Set by some editors' terminals; it would make Electron a plain Node that cannot open a window.
  delete childEnv.ELECTRON_RUN_AS_NODE
  const child = spawn(bin, [o.root, ...dataDirArgs, ...positionals], { cwd: o.root, env: childEnv, stdio: ['inherit', 'inherit', 'pipe', 'pipe'] })
  const readyPipe = child.stdio[3] as Readable
  let ready = false
  let stderrTail = ''
  readyPipe.on('data', (d: Buffer) => {
    if (d.toString().includes('ready')) ready = true
  })
  readyPipe.on('error', () => {}) // closed early by a crash: the exit tells the rest
  child.stderr!.on('data', (d: Buffer) => {
    err(d.toString())
    stderrTail = (stderrTail + d.toString()).slice(-16_384)
  })
  const stderrClosed = new Promise<void>((r) => child.stderr!.once('close', () => r()))
  const forwarded = forwardSignals(child)
  const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>((resolve) => {
    child.once('error', (e) => resolve({ code: null, signal: null, error: e }))
    child.once('exit', (code, signal) => {
      // Let the last of stderr (the crash message) arrive before deciding; a grandchild holding it open
      // must not keep us waiting.
      void Promise.race([stderrClosed, new Promise((r) => setTimeout(r, 1000).unref())]).then(() => resolve({ code, signal }))
    })
  })
  forwarded.dispose()
  const stoppedByUser = forwarded.received || exit.signal === 'SIGINT' || exit.signal === 'SIGTERM'
  if (ready || stoppedByUser || (exit.code === 0 && !exit.error)) return exit.code ?? (stoppedByUser ? 0 : 1)
  const early = exit.error
    ? { reason: `Electron could not be started (${exit.error.message})`, fix: [] }
    : diagnoseEarlyExit(stderrTail, exit.code, exit.signal, bin)
  out(`${early.reason}.\n${early.fix.map((l) => `  ${l}\n`).join('')}Serving the lab in your browser instead.\n`)
  return serve()
}

/** Ctrl-C and SIGTERM reach the child (it stops cleanly); we exit with it. */
function forwardSignals(child: ChildProcess): { received: boolean; dispose(): void } {
  const state = { received: false, dispose: () => {} }
  const handlers = (['SIGINT', 'SIGTERM'] as const).map((sig) => {
    const h = () => {
      state.received = true
      child.kill(sig)
    }
    process.on(sig, h)
    return [sig, h] as const
  })
  state.dispose = () => handlers.forEach(([sig, h]) => process.off(sig, h))
  return state
}

function runChild(child: ChildProcess, err: (text: string) => void): Promise<number> {
  const forwarded = forwardSignals(child)
  return new Promise((resolve) => {
    child.once('error', (e) => {
      forwarded.dispose()
      err(`cannot start the engine: ${e.message}\n`)
      resolve(1)
    })
    child.once('exit', (code, signal) => {
      forwarded.dispose()
      resolve(code ?? (signal === 'SIGINT' || signal === 'SIGTERM' || forwarded.received ? 0 : 1))
    })
  })
}

async function whyNoElectron(root: string, env: NodeJS.ProcessEnv, io: { err: (t: string) => void; isTTY: boolean }): Promise<string | null> {
  if (process.platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY) return 'there is no display (DISPLAY is not set)'
  if (electronBinary(root, env)) return null
  if (env.ELECTRON_OVERRIDE_DIST_PATH) return `ELECTRON_OVERRIDE_DIST_PATH (${env.ELECTRON_OVERRIDE_DIST_PATH}) holds no Electron binary`
  const idleTimeoutMs = Number(env.LAB_ELECTRON_FETCH_TIMEOUT_MS ?? 30_000)
  io.err(`Fetching Electron's binary (once; it gives up after ${Math.round(idleTimeoutMs / 1000)} s without data, and resumes next time)…\n`)
  let lastDecile = -1
  let lastLine = 0
  const reason = await fetchElectron({
    electronDir: join(root, 'node_modules', 'electron'),
    env,
    idleTimeoutMs,
    onProgress: (p) => {
      const now = Date.now()
      if (io.isTTY) {
        if (now - lastLine < 200) return
        lastLine = now
        io.err(`\r${progressLine(p, now).padEnd(78)}`)
      } else if (p.total) {
        const decile = Math.floor((10 * p.transferred) / p.total)
        if (decile > lastDecile) {
          lastDecile = decile
          io.err(`${progressLine(p, now)}\n`)
        }
      }
    }
  })
  if (io.isTTY) io.err('\n')
  return reason ?? (electronBinary(root, env) ? null : 'its binary is still missing after the download')
}
