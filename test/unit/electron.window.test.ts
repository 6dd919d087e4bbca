/**
 * The built renderer as the desktop window loads it — from file://, talking through `window.lab` — in a real
 * Chromium. Electron is emulated on both sides of the page: `window.lab` in the page forwards to the *built*
 * preload (run as in a sandboxed renderer, electronFakes.ts), which talks to Electron main's logic
 * (desktopApp.ts, with a fake `electron` surface) and a real engine. Chromium needs
 * --allow-file-access-from-files for module scripts from file://, which Electron allows its app pages.
 */
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { chromium, type Browser, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startDesktopApp, type DesktopApp, type ElectronApi } from '../../src-main/electron/desktopApp'
import { BRIDGE_MISSING } from '../../src-renderer/api/client'
import { BUILT_PRELOAD, fakeElectron, type FakeElectron, type FakeWindow } from './electronFakes'
import { ENGINE_JS, ROOT, TEST_ENV, cleanupTempDirs, tempDir, waitFor } from './helpers'

const RENDERER_DIR = join(ROOT, 'out', 'renderer')
const INDEX_URL = pathToFileURL(join(RENDERER_DIR, 'index.html')).href
const SHOTS = process.env.LAB_SCREENSHOT_DIR

let browser: Browser
beforeAll(async () => {
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--allow-file-access-from-files']
  })
})
afterAll(async () => {
  await browser?.close()
  cleanupTempDirs()
})

/** Opens the desktop app (fake Electron, real engine) and shows its window's page in Chromium. */
async function openDesktop(env: NodeJS.ProcessEnv = {}): Promise<{ page: Page; electron: FakeElectron; app: DesktopApp; websockets: string[] }> {
  const electron = fakeElectron()
  const app = startDesktopApp(electron as unknown as ElectronApi, {
    enginePath: ENGINE_JS,
    rendererDir: RENDERER_DIR,
    preloadPath: BUILT_PRELOAD,
    argv: ['--data-dir', tempDir()],
    env: { ...TEST_ENV, ...env },
    engine: { stderr: null },
    log: () => {}
  })!
  const win: FakeWindow = await waitFor(() => electron.windows[0], 'the window')
  const lab = win.preload!.mainWorld.lab
  const page = await browser.newPage({ viewport: { width: 1200, height: 760 } })
  const websockets: string[] = []
  page.on('websocket', (ws) => websockets.push(ws.url()))
  // The page's side of contextBridge: window.lab forwards to the preload's exposed API.
  await page.exposeFunction('__labInvoke', (method: string, params: unknown) => lab.invoke(method, params))
  await page.exposeFunction('__labPick', (kind: string) => lab.pickFiles(kind))
  await page.exposeFunction('__labSubscribe', (event: string) => {
    lab.on(event, (payload: unknown) => void page.evaluate(([e, p]) => (window as any).__labDispatch(e, p), [event, payload] as const).catch(() => {}))
  })
  await page.addInitScript(() => {
    const subs = new Map<string, Set<(p: unknown) => void>>()
    const w = window as any
    w.__labDispatch = (e: string, p: unknown) => subs.get(e)?.forEach((cb) => cb(p))
    w.lab = {
      invoke: (m: string, p: unknown) => w.__labInvoke(m, p),
      pickFiles: (k: string) => w.__labPick(k),
      on: (e: string, cb: (p: unknown) => void) => {
        if (!subs.has(e)) {
          subs.set(e, new Set())
          void w.__labSubscribe(e)
        }
        subs.get(e)!.add(cb)
        return () => subs.get(e)!.delete(cb)
      }
    }
  })
  await page.goto(INDEX_URL)
  // The window finished loading: main replays the engine's state (as Electron's did-finish-load would).
  win.webContents.emit('did-finish-load')
  return { page, electron, app, websockets }
}

async function quit(electron: FakeElectron): Promise<void> {
  electron.app.quit()
  await waitFor(() => electron.exits.length, 'app.exit', 15_000)
}

describe('the desktop window in Chromium (file://, window.lab)', () => {
  it('reaches the engine through the bridge: the status bar shows it connected, with its backend', async () => {
    const { page, electron, websockets } = await openDesktop()
    try {
      await page.getByTestId('connection').filter({ hasText: 'engine connected' }).waitFor({ timeout: 30_000 })
      await expect.poll(() => page.getByTestId('backend').textContent()).toMatch(/backend: (blas|wasm|cpu|tfjs-node)/)
      expect(await page.getByTestId('connection-banner').count()).toBe(0)
      if (SHOTS) await page.screenshot({ path: join(SHOTS, 'desktop-connected.png') })
      expect(websockets).toEqual([]) // the desktop window never opens a WebSocket
    } finally {
      await page.close()
      await quit(electron)
    }
  })

  it('with a LAB_NODE that does not exist, shows why in the window instead of "connecting…" forever', async () => {
    const { page, electron } = await openDesktop({ LAB_NODE: '/nonexistent/node' })
    try {
      const banner = page.getByTestId('connection-banner')
      await banner.filter({ hasText: 'was not found' }).waitFor({ timeout: 20_000 })
      expect(await banner.textContent()).toMatch(/cannot start the engine: the Node\.js executable "\/nonexistent\/node" was not found/)
      if (SHOTS) await page.screenshot({ path: join(SHOTS, 'desktop-no-node.png') })
    } finally {
      await page.close()
      await quit(electron)
    }
  })

  it('without its bridge (a preload that failed), says so and opens no WebSocket', async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 760 } })
    const websockets: string[] = []
    page.on('websocket', (ws) => websockets.push(ws.url()))
    try {
      await page.goto(INDEX_URL)
      const banner = page.getByTestId('connection-banner')
      await banner.filter({ hasText: 'bridge to the engine' }).waitFor({ timeout: 20_000 })
      expect(await banner.textContent()).toContain(BRIDGE_MISSING)
      if (SHOTS) await page.screenshot({ path: join(SHOTS, 'desktop-no-bridge.png') })
      expect(websockets).toEqual([])
    } finally {
      await page.close()
    }
  })
})
