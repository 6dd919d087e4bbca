/**
 * Electron main's entry: the glue between the real Electron module and the app's logic (desktopApp.ts,
 * tested without the binary). `npm start` runs it through src-main/electron/launcher.ts.
 */
import { BrowserWindow, app, dialog, ipcMain, session, shell } from 'electron'
import { closeSync, writeSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { startDesktopApp } from './desktopApp'

const here = (rel: string) => fileURLToPath(new URL(rel, import.meta.url))

// The launcher watches this pipe to tell a window that opened from an Electron that crashed on start.
const readyFd = Number(process.env.LAB_READY_FD)
function reportWindowReady(): void {
  if (!Number.isInteger(readyFd) || readyFd < 3) return
  try {
    writeSync(readyFd, 'ready\n')
    closeSync(readyFd)
  } catch {
    // Started without the launcher's pipe: nobody is watching.
  }
}

startDesktopApp(
  { app, BrowserWindow, dialog, ipcMain, session, shell },
  {
    enginePath: here('./engine.js'),
    rendererDir: here('../renderer'),
    preloadPath: here('../preload/index.cjs'),
    iconPath: here('../../resources/icon.png'),
    // `electron .` from a checkout passes [electron, '.', …]; a packaged app [app, …].
    argv: process.argv.slice(app.isPackaged ? 1 : 2),
    onWindowReady: reportWindowReady
  }
)
