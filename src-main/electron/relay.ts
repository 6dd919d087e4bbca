/**
 * Engine events to the window. The engine keeps emitting while the app quits (run.status, runs.changed, the
 * built-in MNIST job), after the window is gone: sending to a destroyed webContents throws in Electron main
 * ("A JavaScript error occurred in the main process"). Events go to a live window or nowhere.
 */
import type { EventName } from '../../src-shared/contract'
import { EVENT_CHANNEL } from './channels'

/** What sending needs of a BrowserWindow. */
export interface RelayTarget {
  isDestroyed(): boolean
  webContents: { isDestroyed(): boolean; send(channel: string, ...args: unknown[]): void }
}

/** Sends an engine event to the window if one is open and alive; with none, the event is dropped. */
export function sendToWindow(win: RelayTarget | null, event: EventName, payload: unknown): void {
  if (!win || win.isDestroyed() || win.webContents.isDestroyed()) return
  win.webContents.send(EVENT_CHANNEL, event, payload)
}
