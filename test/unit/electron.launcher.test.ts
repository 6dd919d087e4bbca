/**
 * `npm start`'s launcher (src-main/electron/launcher.ts) with stand-in Electron binaries (scripts that do
 * what Electron does in each case — crash on AppArmor's sandbox refusal, open the window and exit, …),
 * pointed to by Electron's own ELECTRON_OVERRIDE_DIST_PATH.
 */
import { spawn } from 'node:child_process'
import { chmodSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { diagnoseEarlyExit, launch } from '../../src-main/electron/launcher'
import { ROOT, TEST_ENV, cleanupTempDirs, tempDir, waitFor } from './helpers'

afterAll(cleanupTempDirs)

/** A folder with an executable `electron` that runs `body` (Node) and records how it was started. */
function standInElectron(body: string): { dir: string; record: string } {
  const dir = tempDir('lab-electron-')
  const record = join(dir, 'started.json')
  const file = join(dir, 'electron')
  writeFileSync(
    file,
    `#!${process.execPath}\nconst fs = require('node:fs')\nfs.writeFileSync(${JSON.stringify(record)}, JSON.stringify({ argv: process.argv.slice(2), LAB_NODE: process.env.LAB_NODE ?? null, ELECTRON_RUN_AS_NODE: process.env.ELECTRON_RUN_AS_NODE ?? null, LAB_READY_FD: process.env.LAB_READY_FD ?? null }))\n${body}\n`
  )
  chmodSync(file, 0o755)
  return { dir, record }
}

function capture() {
  const out: string[] = []
  const err: string[] = []
  return { out, err, io: { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t), isTTY: false } }
}

describe('npm start with an Electron binary', () => {
  it('opens the window with LAB_NODE = this Node, the app folder and the user arguments, without ELECTRON_RUN_AS_NODE', async () => {
    const electron = standInElectron(`fs.writeSync(3, 'ready\\n'); process.exit(0)`)
    const c = capture()
    const dataDir = tempDir()
    const code = await launch({
      argv: [`--data-dir=${dataDir}`, 'phenomenology-lab://runs'],
      root: ROOT,
      env: { ...TEST_ENV, DISPLAY: ':99', ELECTRON_OVERRIDE_DIST_PATH: electron.dir, ELECTRON_RUN_AS_NODE: '1', LAB_NODE: '' },
      ...c.io
    })
    expect(code).toBe(0)
    const started = JSON.parse(readFileSync(electron.record, 'utf8'))
    expect(started).toEqual({ argv: [ROOT, '--data-dir', dataDir, 'phenomenology-lab://runs'], LAB_NODE: process.execPath, ELECTRON_RUN_AS_NODE: null, LAB_READY_FD: '3' })
    expect(c.out.join('')).toBe('') // no fallback
  })

  it('a crash after the window opened is the exit code, not a fallback', async () => {
    const electron = standInElectron(`fs.writeSync(3, 'ready\\n'); setTimeout(() => process.exit(7), 50)`)
    const c = capture()
    expect(await launch({ argv: [], root: ROOT, env: { ...TEST_ENV, DISPLAY: ':99', ELECTRON_OVERRIDE_DIST_PATH: electron.dir }, ...c.io })).toBe(7)
    expect(c.out.join('')).toBe('')
  })

  it('an Electron that leaves cleanly before a window (a second start handing over to the first) is not a crash', async () => {
    const electron = standInElectron(`console.error('The lab is already open; its window was brought to the front.'); process.exit(0)`)
    const c = capture()
    expect(await launch({ argv: [], root: ROOT, env: { ...TEST_ENV, DISPLAY: ':99', ELECTRON_OVERRIDE_DIST_PATH: electron.dir }, ...c.io })).toBe(0)
    expect(c.out.join('')).toBe('')
    expect(c.err.join('')).toMatch(/already open/) // Electron's stderr reaches the terminal
  })

  it("falls back to serving the browser when Electron aborts on AppArmor's sandbox refusal, with the reason and the fix", async () => {
    // What Electron 45 prints on Ubuntu 24.04 from node_modules, then it traps.
    const electron = standInElectron(
      `process.stderr.write('[1234:0101/000000.000000:FATAL:sandbox/linux/suid/client/setuid_sandbox_host.cc:166] The SUID sandbox helper binary was found, but is not configured correctly. Rather than run without sandboxing I\\'m aborting now. You need to make sure that ' + __dirname + '/chrome-sandbox is owned by root and has mode 4755.\\n', () => process.kill(process.pid, 'SIGTRAP'))`
    )
    const dataDir = tempDir()
    const child = spawn(process.execPath, [join(ROOT, 'scripts', 'start.mjs'), '--data-dir', dataDir, '--port', '0'], {
      cwd: ROOT,
      env: { ...TEST_ENV, DISPLAY: ':99', ELECTRON_OVERRIDE_DIST_PATH: electron.dir },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let out = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', () => {})
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)))
    try {
      await waitFor(() => /Lab serving at http:\/\/127\.0\.0\.1:\d+\/\?token=/.test(out), 'the browser fallback', 30_000)
    } finally {
      child.kill('SIGINT')
    }
    expect(await exited).toBe(0)
    const lines = out.split('\n')
    expect(lines[0]).toBe(
      'Electron aborted before its window opened (SIGTRAP): this system\'s AppArmor forbids its sandbox to create user namespaces (Ubuntu 23.10 and later).'
    )
    expect(out).toContain(`sudo apparmor_parser -r /etc/apparmor.d/phenomenology-lab-electron`)
    expect(out).toContain(`profile phenomenology-lab-electron "%s" flags=(unconfined) {\\n  userns,\\n}\\n' '${join(electron.dir, 'electron')}'`)
    expect(out).toContain(`sudo chown root:root '${join(electron.dir, 'chrome-sandbox')}' && sudo chmod 4755 '${join(electron.dir, 'chrome-sandbox')}'`)
    expect(out).toContain('Serving the lab in your browser instead.')
    expect(out).toContain(`data in ${dataDir}`)
    expect(out).toContain('Lab stopped.')
  })
})

describe('diagnoseEarlyExit', () => {
  it('names a missing system library with the packages that provide it', () => {
    const d = diagnoseEarlyExit('/x/electron: error while loading shared libraries: libnss3.so: cannot open shared object file: No such file or directory\n', 127, null, '/x/electron')
    expect(d.reason).toBe('Electron cannot start: the system library libnss3.so is missing')
    expect(d.fix[0]).toMatch(/apt-get install -y .*libnss3/)
  })

  it('a display it cannot open, and anything else with its last line', () => {
    expect(diagnoseEarlyExit('[1:1:ERROR:ozone_platform_x11.cc(240)] Missing X server or $DISPLAY\n', 1, null, '/x/electron').reason).toBe('Electron could not open a display (code 1)')
    expect(diagnoseEarlyExit('something\nSegmentation fault\n', null, 'SIGSEGV', '/x/electron')).toEqual({ reason: 'Electron exited (SIGSEGV) before its window opened: Segmentation fault', fix: [] })
  })
})
