/**
 * Electron main's logic (src-main/electron/desktopApp.ts) with a fake of the `electron` module surface it
 * uses (electronFakes.ts), the *built* preload in a sandboxed context, and a real engine process: what the
 * first start of the desktop window does, without the Electron binary.
 */
import Database from 'better-sqlite3'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest'
import type { EventPayloads } from '../../src-shared/contract'
import { startDesktopApp, type DesktopApp, type ElectronApi } from '../../src-main/electron/desktopApp'
import { createIpcClient } from '../../src-renderer/api/ipcClient'
import type { LabClient } from '../../src-renderer/api/client'
import { BUILT_PRELOAD, fakeElectron, type FakeElectron, type FakeWindow } from './electronFakes'
import { ENDLESS, ENGINE_JS, ROOT, TEST_ENV, cleanupTempDirs, sleep, tempDir, waitFor } from './helpers'

const RENDERER_DIR = join(ROOT, 'out', 'renderer')
const INDEX_URL = pathToFileURL(join(RENDERER_DIR, 'index.html')).href
const ICON = join(ROOT, 'resources', 'icon.png')

type Connection = EventPayloads['engine.connection']

interface Started {
  electron: FakeElectron
  app: DesktopApp | null
  logs: string[]
  /** Per page load: the renderer's client over the window's preload and the connection states it heard. */
  pages: { win: FakeWindow; client: LabClient; connections: Connection[] }[]
}

const running: Started[] = []

function start(o: { argv?: string[]; env?: NodeJS.ProcessEnv; electron?: FakeElectron; restartDelayMs?: number } = {}): Started {
  const electron = o.electron ?? fakeElectron()
  const s: Started = { electron, app: null, logs: [], pages: [] }
  // What the app's modules do when the page loads: make the client, subscribe (stores/engine.ts does this).
  electron.onPage = (win) => {
    const lab = win.preload?.mainWorld.lab
    if (!lab) throw new Error(`the window has no window.lab: ${win.preload?.error?.message}`)
    const page = { win, client: createIpcClient(lab), connections: [] as Connection[] }
    page.client.on('engine.connection', (c) => page.connections.push(c))
    s.pages.push(page)
  }
  s.app = startDesktopApp(electron as unknown as ElectronApi, {
    enginePath: ENGINE_JS,
    rendererDir: RENDERER_DIR,
    preloadPath: BUILT_PRELOAD,
    iconPath: ICON,
    argv: o.argv ?? ['--data-dir', tempDir()],
    env: { ...TEST_ENV, ...o.env },
    engine: { stderr: null, restartDelayMs: o.restartDelayMs ?? 200 },
    log: (l) => s.logs.push(l)
  })
  running.push(s)
  return s
}

const lastPage = (s: Started) => s.pages[s.pages.length - 1]

async function ready(s: Started) {
  await waitFor(() => s.pages.length && lastPage(s).connections.some((c) => c.connected), 'the window hears "engine ready"', 30_000)
  return lastPage(s)
}

/** The user quits (Cmd-Q, the last window closed): before-quit, the engine stops, the app exits. */
async function quit(s: Started) {
  s.electron.app.quit()
  await waitFor(() => s.electron.exits.length > 0, 'app.exit', 15_000)
}

afterEach(async () => {
  for (const s of running.splice(0)) if (s.app && !s.electron.exits.length) await quit(s)
})
afterAll(cleanupTempDirs)

describe('the desktop app (fake electron, built preload, real engine)', () => {
  it('a call from the window goes through the preload and main to the engine and back; --data-dir=X reaches the engine', async () => {
    const dir = tempDir()
    // Chromium's switches arrive among the app's own arguments and are left alone.
    const s = start({ argv: [`--data-dir=${dir}`, '--enable-features=WaylandWindowDecorations'] })
    const page = await ready(s)
    const info = await page.client.invoke('engine.info')
    expect(info.mode).toBe('ipc')
    expect(info.dataDir).toBe(dir)
    expect(info.pid).toBe(s.app!.engine.pid)
    // Errors keep their code across engine → main → preload → renderer.
    await expect(page.client.invoke('runs.get', { id: 'nope' })).rejects.toMatchObject({ name: 'EngineError', code: 'not-found' })
    // The window's icon, title and hardening are what main asked for.
    expect(page.win.options.webPreferences).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false, preload: BUILT_PRELOAD })
    expect(page.win.options).toMatchObject({ title: 'Phenomenology Lab', icon: ICON })
    expect(page.win.loads).toEqual([INDEX_URL])
    await quit(s)
    expect(s.electron.exits).toEqual([0])
    expect(s.app!.engine.pid).toBeUndefined()
  })

  it('events the engine sends after the window closed are dropped, not sent to the destroyed window', async () => {
    const dir = tempDir()
    const s = start({ argv: ['--data-dir', dir] })
    const page = await ready(s)
    const exp = await page.client.invoke('experiments.create', { name: 'endless', studyId: 'training', config: ENDLESS })
    const run = await page.client.invoke('runs.start', { experimentId: exp.id })
    const sent = () => page.win.webContents.sent.length
    await waitFor(() => page.win.webContents.sent.some((m) => m.args[0] === 'run.progress'), 'progress reaches the window')

    const afterClose: string[] = []
    page.win.close() // destroyed from here on: webContents.send would throw
    const sentAtClose = sent()
    s.app!.engine.on((event) => afterClose.push(event))
    await waitFor(() => afterClose.includes('run.progress'), 'the run keeps reporting with no window open')
    // The last window closed: the app quits while the run is still going (events keep coming until the
    // engine is disconnected) — none of them reaches the destroyed window, and nothing throws.
    s.electron.app.emit('window-all-closed')
    await waitFor(() => s.electron.exits.length > 0, 'app.exit', 15_000)
    expect(sent()).toBe(sentAtClose)
    expect(afterClose.length).toBeGreaterThan(1)
    expect(s.electron.exits).toEqual([0])
    // The engine left on the disconnect and marked the run interrupted itself.
    const db = new Database(join(dir, 'lab.sqlite'), { readonly: true })
    try {
      expect((db.prepare('SELECT status FROM runs WHERE id = ?').get(run.id) as { status: string }).status).toBe('interrupted')
    } finally {
      db.close()
    }
  })

  it('a missing LAB_NODE gives the window a readable reason, calls fail with it, and nothing restarts or crashes', async () => {
    const s = start({ env: { LAB_NODE: '/nonexistent/node' } })
    await waitFor(() => s.pages.length && lastPage(s).connections.length, 'a connection state in the window')
    const page = lastPage(s)
    expect(page.connections[0].connected).toBe(false)
    expect(page.connections[0].message).toMatch(/cannot start the engine: the Node\.js executable "\/nonexistent\/node" was not found \(no such file\)/)
    expect(page.connections[0].message).toMatch(/LAB_NODE/)
    await expect(page.client.invoke('engine.info')).rejects.toMatchObject({ code: 'disconnected', message: page.connections[0].message })
    await sleep(500)
    expect(s.app!.engine.state).toBe('failed')
    expect(s.app!.engine.restarts).toBe(0)
    // A window that loads (or reloads) after the failure still shows why.
    await page.win.loadURL(INDEX_URL)
    await waitFor(() => lastPage(s) !== page && lastPage(s).connections.length, 'the reloaded page hears the state')
    expect(lastPage(s).connections[0]).toEqual(page.connections[0])
    await quit(s)
    expect(s.electron.exits).toEqual([0])
  })

  it('quitting while the engine waits to restart does not fork a new engine', async () => {
    const s = start({ restartDelayMs: 400 })
    const page = await ready(s)
    const engine = s.app!.engine
    process.kill(engine.pid!, 'SIGKILL')
    await waitFor(() => page.connections.some((c) => !c.connected), 'the crash is reported')
    expect(engine.pid).toBeUndefined()
    await quit(s)
    await sleep(700) // past the restart delay
    expect(engine.pid).toBeUndefined()
    expect(page.connections.filter((c) => c.connected)).toHaveLength(1)
    expect(s.electron.exits).toEqual([0])
  })

  it('a second start hands over its link and leaves: no second window, no second engine', () => {
    const electron = fakeElectron({ gotLock: false })
    const s = start({ electron, argv: ['phenomenology-lab://compare?s=abc'] })
    expect(s.app).toBeNull()
    expect(electron.quits).toBe(1)
    expect(electron.app.lockData).toEqual({ link: 'phenomenology-lab://compare?s=abc' })
    expect(s.logs.join('\n')).toMatch(/already open/)
    expect(electron.windows).toHaveLength(0)
  })

  it('the first lab opens a handed-over link in its window, and starts on a link it was given', async () => {
    const s = start({ argv: ['--data-dir', tempDir(), 'phenomenology-lab://runs'] })
    const page = await ready(s)
    expect(page.win.loads).toEqual([`${INDEX_URL}#/runs`])
    page.win.minimized = true
    s.electron.app.emit('second-instance', {}, ['electron', '.'], '/', { link: 'phenomenology-lab://compare?s=eyJhIjoxfQ' })
    expect(page.win.loads.at(-1)).toBe(`${INDEX_URL}#/compare?s=eyJhIjoxfQ`)
    expect(page.win.minimized).toBe(false)
    expect(page.win.focused).toBeGreaterThan(0)
    s.electron.app.emit('second-instance', {}, ['electron', '.', 'phenomenology-lab://x?s=<script>'], '/', {})
    expect(page.win.loads).toHaveLength(2)
    expect(s.logs.join('\n')).toMatch(/Not a lab link, ignored/)
  })

  it('"Import run…" gets the JSON dialog and "Import dataset" the dataset one, owned by the window', async () => {
    const s = start()
    const page = await ready(s)
    if (page.client.files.mode !== 'native') throw new Error('the desktop client picks natively')
    await expect(page.client.files.pick('run')).resolves.toEqual(['/data/run.json'])
    const [owner, runDialog] = s.electron.dialog.calls[0]
    expect(owner).toBe(page.win)
    expect(runDialog.filters[0].extensions).toEqual(['json'])
    await page.client.files.pick('dataset')
    expect(s.electron.dialog.calls[1][1].filters[0].extensions).toContain('idx3-ubyte')
    // Main refuses a kind that is not one, whatever sent it.
    const handler = s.electron.ipcMain.handlers.get('lab:pickFiles')!
    await expect(Promise.resolve().then(() => handler({ sender: page.win.webContents, senderFrame: { url: INDEX_URL } }, 'etc'))).rejects.toThrow(/unknown file dialog/)
  })

  it('the window may write to the clipboard (Copy link) and nothing else; calls come only from the app page', async () => {
    const s = start()
    const page = await ready(s)
    const granted: boolean[] = []
    s.electron.permissionRequest!(page.win.webContents, 'clipboard-sanitized-write', (ok) => granted.push(ok), { requestingUrl: `${INDEX_URL}#/compare` })
    s.electron.permissionRequest!(page.win.webContents, 'media', (ok) => granted.push(ok), { requestingUrl: INDEX_URL })
    s.electron.permissionRequest!(page.win.webContents, 'clipboard-sanitized-write', (ok) => granted.push(ok), { requestingUrl: 'https://example.org/' })
    expect(granted).toEqual([true, false, false])
    expect(s.electron.permissionCheck!(page.win.webContents, 'clipboard-sanitized-write', 'file:///', {})).toBe(true)
    expect(s.electron.permissionCheck!(page.win.webContents, 'clipboard-read', 'file:///', {})).toBe(false)
    const invoke = s.electron.ipcMain.handlers.get('lab:invoke')!
    await expect(invoke({ sender: page.win.webContents, senderFrame: { url: 'https://example.org/' } }, 'engine.info', {})).resolves.toMatchObject({ ok: false })
    await expect(invoke({ sender: page.win.webContents, senderFrame: { url: INDEX_URL } }, 'fs.read', {})).resolves.toMatchObject({ ok: false, error: { code: 'unknown-method' } })
  })

  it('--help prints the usage and exits without a window or an engine', () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {})
    try {
      const electron = fakeElectron()
      const s = start({ electron, argv: ['--help'] })
      expect(s.app).toBeNull()
      expect(electron.exits).toEqual([0])
      expect(String(log.mock.calls[0][0])).toMatch(/^usage: npm start -- \[options\]/)
      expect(electron.windows).toHaveLength(0)
    } finally {
      log.mockRestore()
    }
  })
})
