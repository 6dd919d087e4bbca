/** Starts the real engine in serve mode and a real Chromium (Debian's) driven by playwright-core. */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'
import { afterAll, beforeAll } from 'vitest'

export const ROOT = resolve(__dirname, '..', '..')
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

export function tempDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'lab-e2e-'))
}

export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer()
    s.once('error', rej)
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port
      s.close(() => res(port))
    })
  })
}

export interface ServedEngine {
  proc: ChildProcess
  url: string
  output: () => string
}

/** Start `out/main/engine.js --serve` and resolve once it prints its URL. */
export function startEngine(opts: { dataDir: string; port: number; token: string; env?: NodeJS.ProcessEnv }): Promise<ServedEngine> {
  const proc = spawn(process.execPath, [join(ROOT, 'out/main/engine.js'), '--serve', '--port', String(opts.port), '--data-dir', opts.dataDir], {
    env: { ...process.env, LAB_TOKEN: opts.token, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let out = ''
  return new Promise((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`engine did not start:\n${out}`)), 30_000)
    const onData = (d: Buffer) => {
      out += d.toString()
      const m = /Lab serving at (\S+)/.exec(out)
      if (m) {
        clearTimeout(timer)
        res({ proc, url: m[1], output: () => out })
      }
    }
    proc.stdout!.on('data', onData)
    proc.stderr!.on('data', onData)
    proc.on('exit', (code) => {
      clearTimeout(timer)
      rej(new Error(`engine exited with ${code}:\n${out}`))
    })
  })
}

export function stopEngine(e: ServedEngine, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  return new Promise((res) => {
    if (e.proc.exitCode !== null || e.proc.signalCode !== null) return res()
    e.proc.once('exit', () => res())
    e.proc.kill(signal)
  })
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync']
  })
}

/**
 * A served engine on a fresh data folder and one Chromium page on it, started before the file's tests and stopped
 * after them; `pageErrors` collects page exceptions and console errors (a test ends by expecting it empty).
 */
export function servedPage(token: string): { readonly page: Page; readonly engine: ServedEngine; pageErrors: string[] } {
  const state = { page: null as unknown as Page, engine: null as unknown as ServedEngine, browser: null as Browser | null, pageErrors: [] as string[] }
  beforeAll(async () => {
    state.engine = await startEngine({ dataDir: tempDataDir(), port: await freePort(), token })
    state.browser = await launchChromium()
    state.page = await state.browser.newPage({ viewport: { width: 1400, height: 1000 } })
    state.page.on('pageerror', (e) => state.pageErrors.push(e.message))
    state.page.on('console', (m) => m.type() === 'error' && state.pageErrors.push(`console: ${m.text()}`))
  })
  afterAll(async () => {
    await state.browser?.close()
    if (state.engine) await stopEngine(state.engine)
  })
  return {
    get page() {
      return state.page
    },
    get engine() {
      return state.engine
    },
    pageErrors: state.pageErrors
  }
}
