/**
 * Electron main's logic: one hardened window, the engine as a supervised child process, and a relay of the
 * contract's methods and events between them. It computes nothing and loads no native module.
 *
 * The Electron module comes in as a parameter (main.ts passes the real one), so the tests run all of this
 * with a fake of exactly that surface and a real engine — the binary cannot run on the build machines.
 */
import type * as ElectronModule from 'electron'
import { pathToFileURL } from 'node:url'
import { METHOD_NAMES } from '../../src-shared/contract'
import { DATA_DIR_OPTION, formatHelp, parseCommandArgs } from '../args'
import { INVOKE_CHANNEL, PICK_FILES_CHANNEL } from './channels'
import { fileDialog, pickedPaths } from './dialogs'
import { EngineProcess, type EngineProcessOptions } from './engineProcess'
import { APP_LINK_SCHEME, isAppLink, routeFromAppLink } from './links'
import { sendToWindow } from './relay'
import { CONTENT_SECURITY_POLICY, isAppUrl, permissionAllowed, secureWebPreferences } from './window'

/** The part of Electron's API this app uses. */
export type ElectronApi = Pick<typeof ElectronModule, 'app' | 'BrowserWindow' | 'dialog' | 'ipcMain' | 'session' | 'shell'>
type Window = ElectronModule.BrowserWindow

const DESKTOP_OPTIONS = { 'data-dir': DATA_DIR_OPTION } as const

const DESKTOP_HELP = formatHelp({
  usage: ['npm start -- [options] [phenomenology-lab://<view>…]'],
  description: 'Opens the lab in its desktop window (the engine runs under the Node.js that started npm). A link copied from the lab opens its view, in the lab already open if there is one.',
  options: DESKTOP_OPTIONS
})

export interface DesktopAppOptions {
  enginePath: string
  /** out/renderer: index.html and its assets. */
  rendererDir: string
  preloadPath: string
  iconPath?: string
  /** The user's arguments (Electron's own and Chromium's switches may be among them; they are ignored here). */
  argv: string[]
  env?: NodeJS.ProcessEnv
  /** Engine supervision knobs (tests shorten the delays). */
  engine?: Partial<EngineProcessOptions>
  /** Called once, when the window has loaded the app (npm start stops watching for an early crash). */
  onWindowReady?: () => void
  log?: (line: string) => void
}

export interface DesktopApp {
  engine: EngineProcess
  /** The window, while it is open. */
  window(): Window | null
}

export function startDesktopApp(electron: ElectronApi, opts: DesktopAppOptions): DesktopApp | null {
  const { app, BrowserWindow, dialog, ipcMain, session, shell } = electron
  const log = opts.log ?? ((line: string) => console.error(line))
  const { values, positionals } = parseCommandArgs({ args: opts.argv, options: DESKTOP_OPTIONS, strict: false, allowPositionals: true })
  if (values.help) {
    console.log(DESKTOP_HELP)
    app.exit(0)
    return null
  }
  const startLink = positionals.find(isAppLink) ?? null

  // One desktop lab per user: a second start would open a second engine on the same store. It hands its
  // link (if any) to the first and leaves.
  if (!app.requestSingleInstanceLock({ link: startLink })) {
    log(
      `The lab is already open; its window was brought to the front${startLink ? ' with the link' : ''}. ` +
        'To work on another store at the same time, serve it: npm run serve -- --data-dir DIR'
    )
    app.quit()
    return null
  }

  const indexUrl = pathToFileURL(`${opts.rendererDir}/index.html`).href
  const appRoot = pathToFileURL(`${opts.rendererDir}/`).href
  const dataDir = typeof values['data-dir'] === 'string' ? values['data-dir'] : undefined
  const engine = new EngineProcess({ enginePath: opts.enginePath, dataDir, env: opts.env, ...opts.engine })
  const methods = new Set<string>(METHOD_NAMES)
  let win: Window | null = null
  let windowReadyReported = false
  let quitting = false

  engine.on((event, payload) => sendToWindow(win, event, payload))

  function openLink(link: string): void {
    const route = routeFromAppLink(link)
    if (!route) {
      log(`Not a lab link, ignored: ${link.slice(0, 120)}`)
      return
    }
    if (!win) createWindow(route)
    else void win.loadURL(`${indexUrl}#${route}`)
  }

  function focus(): void {
    if (!win) return
    if (win.isMinimized()) win.restore()
    win.focus()
  }

  function createWindow(route?: string): void {
    const w = new BrowserWindow({
      width: 1400,
      height: 900,
      title: 'Phenomenology Lab',
      backgroundColor: '#111418',
      ...(opts.iconPath ? { icon: opts.iconPath } : {}),
      webPreferences: secureWebPreferences(opts.preloadPath)
    })
    win = w
    // Events the engine sends while it shuts down (run.status, runs.changed) must not reach a destroyed window.
    w.on('closed', () => {
      if (win === w) win = null
    })
    w.webContents.on('will-navigate', (e, url) => {
      if (!isAppUrl(url, appRoot)) e.preventDefault()
    })
    w.webContents.setWindowOpenHandler(({ url }) => {
      if (/^https?:\/\//.test(url)) void shell.openExternal(url)
      return { action: 'deny' }
    })
    w.webContents.on('did-finish-load', () => {
      // A window that loads (or reloads) after the engine reported its state would otherwise never hear it:
      // "connecting…" forever, or no reason for an engine that cannot start.
      const c = engine.lastConnection
      if (c) sendToWindow(w, 'engine.connection', c)
      if (!windowReadyReported) {
        windowReadyReported = true
        opts.onWindowReady?.()
      }
    })
    w.webContents.on('render-process-gone', (_e, details) => log(`the window's renderer stopped (${details.reason}, exit code ${details.exitCode})`))
    void w.loadURL(route ? `${indexUrl}#${route}` : indexUrl)
  }

  app.on('second-instance', (_e, argv, _cwd, data) => {
    if (!app.isReady()) return // this lab's own window is about to open
    const link = (data as { link?: unknown } | undefined)?.link
    const given = typeof link === 'string' ? link : argv.find(isAppLink)
    if (given) openLink(given)
    else if (!win) createWindow()
    focus()
  })
  // macOS delivers clicked links here (the scheme is registered by packaged builds only).
  app.on('open-url', (e, url) => {
    e.preventDefault()
    if (app.isReady()) {
      openLink(url)
      focus()
    }
  })
  if (app.isPackaged) app.setAsDefaultProtocolClient(APP_LINK_SCHEME)

  void app.whenReady().then(() => {
    const ses = session.defaultSession
    ses.webRequest.onHeadersReceived((details, cb) => {
      cb({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } })
    })
    ses.setPermissionRequestHandler((_wc, permission, cb, details) => cb(permissionAllowed(permission, details.requestingUrl, appRoot)))
    ses.setPermissionCheckHandler((wc, permission, _origin, details) => permissionAllowed(permission, details.requestingUrl ?? wc?.getURL(), appRoot))

    ipcMain.handle(INVOKE_CHANNEL, async (e, method: unknown, params: unknown) => {
      // Only the app's own page may call the engine (navigation elsewhere is denied; this is the second lock).
      if (!e.senderFrame || !isAppUrl(e.senderFrame.url, appRoot)) return { ok: false, error: { code: 'bad-request', message: 'calls come only from the lab window' } }
      if (typeof method !== 'string' || !methods.has(method)) return { ok: false, error: { code: 'unknown-method', message: `unknown method "${String(method).slice(0, 100)}"` } }
      try {
        return { ok: true, result: await engine.call(method, params) }
      } catch (err) {
        // Errors cross contextBridge as plain data so the renderer sees the engine's code and message.
        return { ok: false, error: { code: (err as { code?: string }).code ?? 'internal', message: (err as Error).message } }
      }
    })
    // The engine reads the chosen files itself; the renderer only ever sees their paths.
    ipcMain.handle(PICK_FILES_CHANNEL, async (e, kind: unknown) => {
      const { options, max } = fileDialog(kind)
      const owner = BrowserWindow.fromWebContents(e.sender)
      const result = owner ? await dialog.showOpenDialog(owner, options) : await dialog.showOpenDialog(options)
      return pickedPaths(result, max)
    })
    engine.start()
    const route = startLink ? routeFromAppLink(startLink) : null
    if (startLink && !route) log(`Not a lab link, ignored: ${startLink.slice(0, 120)}`)
    createWindow(route ?? undefined)
  })

  app.on('window-all-closed', () => app.quit())
  app.on('before-quit', (e) => {
    // Always through engine.stop(), also when no engine runs right now: in a restart delay a timer would
    // otherwise fork a new engine while the app quits.
    e.preventDefault()
    if (quitting) return
    quitting = true
    void engine.stop().then(() => app.exit(0))
  })

  return { engine, window: () => win }
}
