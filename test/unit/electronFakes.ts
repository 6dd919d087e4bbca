/**
 * What the desktop tests put in place of the Electron binary, which cannot run on these machines:
 *  - `loadSandboxedPreload`: the *built* preload (out/preload/index.cjs) run in a `vm` context the way a
 *    sandboxed Electron renderer runs it — the same function wrapper, a `require` that serves exactly what
 *    Electron's sandbox serves (`electron`, `events`, `timers`, `url`) and throws "module not found" for
 *    anything else, a reduced `process`, and a contextBridge that copies values across worlds by structured
 *    clone (as Electron does: a Vue reactive object is refused) and proxies functions;
 *  - `fakeElectron`: the surface of the `electron` module that src-main/electron/desktopApp.ts uses, where a
 *    window's webContents delivers `send` to the preload's ipcRenderer and `ipcRenderer.invoke` reaches the
 *    handlers registered on ipcMain — so a call goes renderer → preload → main → engine for real.
 */
import { EventEmitter } from 'node:events'
import { readFileSync } from 'node:fs'
import * as timers from 'node:timers'
import { fileURLToPath } from 'node:url'
import * as url from 'node:url'
import vm from 'node:vm'

export const BUILT_PRELOAD = fileURLToPath(new URL('../../out/preload/index.cjs', import.meta.url))

/** The modules a sandboxed preload may require (Electron 45, docs: "Process Sandboxing → Preload scripts"). */
export const SANDBOX_MODULES = ['electron', 'events', 'timers', 'url'] as const

/** Copy a value from one world to the other the way contextBridge does. */
export function crossWorlds(value: unknown): unknown {
  if (typeof value === 'function') return (...args: unknown[]) => crossWorlds((value as (...a: unknown[]) => unknown)(...args.map(crossWorlds)))
  // (Realm-independent checks: the preload's promises and errors come from the vm context's constructors.)
  if (value && typeof (value as PromiseLike<unknown>).then === 'function') return Promise.resolve(value).then(crossWorlds, (e) => Promise.reject(crossWorlds(e)))
  if (Object.prototype.toString.call(value) === '[object Error]') return new Error((value as Error).message)
  if (value && typeof value === 'object') {
    if (Object.values(value).some((v) => typeof v === 'function')) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, crossWorlds(v)]))
    }
    return structuredClone(value) // throws DataCloneError for a Proxy (a Vue reactive object), like Electron
  }
  return value
}

/** The renderer end of Electron's IPC, as the preload sees it. */
export class FakeIpcRenderer extends EventEmitter {
  constructor(private readonly toMain: (channel: string, args: unknown[]) => Promise<unknown>) {
    super()
  }
  invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    // Electron's IPC structured-clones what it carries, both ways.
    const cloned = structuredClone(args)
    return this.toMain(channel, cloned).then((r) => structuredClone(r))
  }
}

export interface LoadedPreload {
  /** What the preload exposed to the page (`window.lab` is `mainWorld.lab`). */
  mainWorld: Record<string, any>
  /** Every module the preload asked for, allowed or not. */
  required: string[]
  /** The error the preload threw while loading, if any (Electron logs it; window.lab is then missing). */
  error: Error | null
}

export function loadSandboxedPreload(ipcRenderer: FakeIpcRenderer, source = readFileSync(BUILT_PRELOAD, 'utf8')): LoadedPreload {
  const mainWorld: Record<string, any> = {}
  const required: string[] = []
  const electron = {
    contextBridge: {
      exposeInMainWorld: (key: string, api: unknown) => {
        mainWorld[key] = crossWorlds(api)
      }
    },
    ipcRenderer
  }
  const served: Record<(typeof SANDBOX_MODULES)[number], unknown> = { electron, events: EventEmitter, timers, url }
  const sandboxRequire = (name: string) => {
    required.push(name)
    if (!(SANDBOX_MODULES as readonly string[]).includes(name)) throw new Error(`module not found: ${name}`)
    return served[name as keyof typeof served]
  }
  // The isolated world's globals: a browser's, no Node.
  const context = vm.createContext({ console, setTimeout, clearTimeout, setInterval, clearInterval, queueMicrotask, structuredClone, TextEncoder, TextDecoder, URL, URLSearchParams, atob, btoa })
  const reducedProcess = { type: 'renderer', sandboxed: true, contextIsolated: true, platform: process.platform, arch: process.arch, versions: { ...process.versions }, env: {}, argv: [], pid: 1 }
  const module = { exports: {} as Record<string, unknown> }
  let error: Error | null = null
  try {
    // Electron's sandboxed renderer wraps the preload in this function (lib/sandboxed_renderer/init.ts).
    const wrapper = vm.runInContext(`(function (require, process, Buffer, global, setImmediate, clearImmediate, exports, module) {${source}\n})`, context, { filename: BUILT_PRELOAD })
    wrapper(sandboxRequire, reducedProcess, Buffer, vm.runInContext('globalThis', context), setImmediate, clearImmediate, module.exports, module)
  } catch (err) {
    error = err as Error
  }
  return { mainWorld, required, error }
}

// ——— the main-process surface ———

type Handler = (event: { sender: FakeWebContents; senderFrame: { url: string } | null }, ...args: unknown[]) => unknown

export class FakeWebContents extends EventEmitter {
  url = ''
  destroyed = false
  sent: { channel: string; args: unknown[] }[] = []
  openHandler: ((d: { url: string }) => { action: string }) | null = null
  /** The preload's end of this window's IPC; a new one per page load (a reload starts a fresh renderer). */
  ipcRenderer!: FakeIpcRenderer

  constructor(readonly electron: FakeElectron) {
    super()
    this.newPage()
  }
  newPage(): FakeIpcRenderer {
    this.ipcRenderer = new FakeIpcRenderer(async (channel, args) => {
      const handler = this.electron.ipcMain.handlers.get(channel)
      if (!handler) throw new Error(`No handler registered for '${channel}'`)
      return handler({ sender: this, senderFrame: this.destroyed ? null : { url: this.url } }, ...args)
    })
    return this.ipcRenderer
  }
  isDestroyed() {
    return this.destroyed
  }
  getURL() {
    return this.url
  }
  send(channel: string, ...args: unknown[]): void {
    // What Electron does when main sends to a closed window: this throws in the main process.
    if (this.destroyed) throw new TypeError('Object has been destroyed')
    this.sent.push({ channel, args })
    const cloned = structuredClone(args)
    this.ipcRenderer.emit(channel, {}, ...cloned)
  }
  setWindowOpenHandler(h: (d: { url: string }) => { action: string }) {
    this.openHandler = h
  }
}

export class FakeWindow extends EventEmitter {
  readonly webContents: FakeWebContents
  destroyed = false
  minimized = false
  focused = 0
  loads: string[] = []
  constructor(
    readonly options: Record<string, any>,
    readonly electron: FakeElectron
  ) {
    super()
    this.webContents = new FakeWebContents(electron)
    electron.windows.push(this)
  }
  /** The preload as this page loaded it (Electron runs it before the page's scripts). */
  preload: LoadedPreload | null = null
  /**
   * Like Electron: a fresh renderer, the preload, the page's own scripts (`electron.onPage`: what the app's
   * modules do when they load, e.g. subscribe to events), then 'did-finish-load'.
   */
  loadURL(u: string): Promise<void> {
    this.loads.push(u)
    this.webContents.url = u
    const ipc = this.webContents.newPage()
    const preloadPath = this.options.webPreferences?.preload as string | undefined
    this.preload = preloadPath ? loadSandboxedPreload(ipc, readFileSync(preloadPath, 'utf8')) : null
    this.electron.onPage?.(this)
    setImmediate(() => !this.destroyed && this.webContents.emit('did-finish-load'))
    return Promise.resolve()
  }
  isDestroyed() {
    return this.destroyed
  }
  isMinimized() {
    return this.minimized
  }
  restore() {
    this.minimized = false
  }
  focus() {
    this.focused++
  }
  /** The user closes the window: destroyed, then 'closed' (Electron's order). */
  close() {
    this.destroyed = true
    this.webContents.destroyed = true
    this.emit('closed')
  }
}

export interface FakeElectron {
  app: EventEmitter & Record<string, any>
  BrowserWindow: any
  dialog: { showOpenDialog: (...args: any[]) => Promise<{ canceled: boolean; filePaths: string[] }>; calls: any[][] }
  ipcMain: { handlers: Map<string, Handler>; handle(channel: string, h: Handler): void }
  session: { defaultSession: any }
  shell: { openExternal: (u: string) => Promise<void>; opened: string[] }
  windows: FakeWindow[]
  /** What the app did: exit codes, quit calls. */
  exits: number[]
  quits: number
  permissionRequest: ((wc: unknown, permission: string, cb: (ok: boolean) => void, details: { requestingUrl: string }) => void) | null
  permissionCheck: ((wc: unknown, permission: string, origin: string, details: { requestingUrl?: string }) => boolean) | null
  /** The page's scripts, run at each load after the preload. */
  onPage?: (win: FakeWindow) => void
}

export function fakeElectron(o: { gotLock?: boolean; dialogResult?: { canceled: boolean; filePaths: string[] } } = {}): FakeElectron {
  const fake = { windows: [], exits: [], quits: 0, permissionRequest: null, permissionCheck: null } as unknown as FakeElectron
  let ready = false
  const app = Object.assign(new EventEmitter(), {
    isPackaged: false,
    lockData: undefined as unknown,
    whenReady: () =>
      new Promise<void>((resolve) =>
        setImmediate(() => {
          ready = true
          resolve()
        })
      ),
    isReady: () => ready,
    requestSingleInstanceLock: (data?: unknown) => {
      app.lockData = data
      return o.gotLock ?? true
    },
    setAsDefaultProtocolClient: () => true,
    /** Like Electron: 'before-quit' first; a listener may preventDefault(). */
    quit: () => {
      fake.quits++
      let prevented = false
      app.emit('before-quit', { preventDefault: () => (prevented = true) })
      if (!prevented) fake.exits.push(0)
    },
    exit: (code = 0) => {
      fake.exits.push(code)
    }
  })
  fake.app = app
  fake.BrowserWindow = class extends FakeWindow {
    constructor(options: Record<string, any>) {
      super(options, fake)
    }
    static fromWebContents(wc: FakeWebContents) {
      return fake.windows.find((w) => w.webContents === wc) ?? null
    }
  }
  fake.dialog = {
    calls: [],
    showOpenDialog: async (...args: any[]) => {
      fake.dialog.calls.push(args)
      return o.dialogResult ?? { canceled: false, filePaths: ['/data/run.json'] }
    }
  }
  const handlers = new Map<string, Handler>()
  fake.ipcMain = { handlers, handle: (channel, h) => void handlers.set(channel, h) }
  fake.session = {
    defaultSession: {
      webRequest: { onHeadersReceived: () => {} },
      setPermissionRequestHandler: (h: FakeElectron['permissionRequest']) => (fake.permissionRequest = h),
      setPermissionCheckHandler: (h: FakeElectron['permissionCheck']) => (fake.permissionCheck = h)
    }
  }
  fake.shell = { opened: [], openExternal: async (u: string) => void fake.shell.opened.push(u) }
  return fake
}
