/**
 * Electron main: one hardened window, the engine as a supervised child process, and a relay of the
 * contract's methods and events between them. It computes nothing and loads no native module.
 */
import { app, BrowserWindow, dialog, ipcMain, session, shell } from 'electron'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { METHOD_NAMES } from '../../src-shared/contract'
import { importDialogOptions, pickedPaths, PICK_FILES_CHANNEL } from './dialogs'
import { EngineProcess } from './engineProcess'
import { CONTENT_SECURITY_POLICY, isAppUrl, secureWebPreferences } from './window'

const here = (rel: string) => fileURLToPath(new URL(rel, import.meta.url))
const dataDirArg = process.argv.indexOf('--data-dir')
const engine = new EngineProcess({ enginePath: here('./engine.js'), dataDir: dataDirArg > 0 ? process.argv[dataDirArg + 1] : undefined })
const methods = new Set<string>(METHOD_NAMES)
let win: BrowserWindow | null = null

function createWindow(): void {
  const indexUrl = pathToFileURL(here('../renderer/index.html')).href
  const appRoot = pathToFileURL(here('../renderer/')).href
  win = new BrowserWindow({
    width: 1400,
    height: 900,
    title: 'Phenomenology Lab',
    backgroundColor: '#111418',
    webPreferences: secureWebPreferences(here('../preload/index.cjs'))
  })
  win.webContents.on('will-navigate', (e, url) => {
    if (!isAppUrl(url, appRoot)) e.preventDefault()
  })
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (/^https?:\/\//.test(url)) void shell.openExternal(url)
    return { action: 'deny' }
  })
  void win.loadURL(indexUrl)
}

app.whenReady().then(() => {
  session.defaultSession.webRequest.onHeadersReceived((details, cb) => {
    cb({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } })
  })
  session.defaultSession.setPermissionRequestHandler((_wc, _perm, cb) => cb(false))
  ipcMain.handle('lab:invoke', async (_e, method: string, params: unknown) => {
    if (!methods.has(method)) throw new Error(`unknown method "${method}"`)
    try {
      return { ok: true, result: await engine.call(method, params) }
    } catch (err) {
      // Errors cross contextBridge as plain data so the renderer sees the engine's code and message.
      return { ok: false, error: { code: (err as any).code ?? 'internal', message: (err as Error).message } }
    }
  })
  // The engine reads the chosen files itself; the renderer only ever sees their paths.
  ipcMain.handle(PICK_FILES_CHANNEL, async (e) => {
    const owner = BrowserWindow.fromWebContents(e.sender)
    const result = owner ? await dialog.showOpenDialog(owner, importDialogOptions()) : await dialog.showOpenDialog(importDialogOptions())
    return pickedPaths(result)
  })
  engine.on((event, payload) => win?.webContents.send('lab:event', event, payload))
  engine.start()
  createWindow()
})

app.on('window-all-closed', () => app.quit())
app.on('before-quit', (e) => {
  if (engine.pid === undefined) return
  e.preventDefault()
  void engine.stop().then(() => app.exit(0))
})
