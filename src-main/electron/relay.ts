/**
 * Engine events to the window. The engine keeps emitting while the app quits (run.status, runs.changed, the
 * built-in MNIST job), after the window is gone: sending to a destroyed webContents throws in Electron main
 * ("A JavaScript error occurred in the main process"). Events go to a live window or nowhere.
 */
import type { EventName } from '../../src-shared/contract'
import { EVENT_CHANNEL } from './channels'

/** What the relay needs of a BrowserWindow. */
export interface RelayTarget {
  isDestroyed(): boolean
  once(event: 'closed', listener: () => void): unknown
  webContents: { isDestroyed(): boolean; send(channel: string, ...args: unknown[]): void }
}

export class WindowRelay {
  private target: RelayTarget | null = null
  /** Events dropped because no window was open (for the tests and a curious debugger). */
  dropped = 0

  attach(win: RelayTarget): void {
    this.target = win
    win.once('closed', () => {
      if (this.target === win) this.target = null
    })
  }

  /** Sends to the window if one is open and alive; returns whether it did. */
  send(event: EventName, payload: unknown): boolean {
    const w = this.target
    if (!w || w.isDestroyed() || w.webContents.isDestroyed()) {
      this.dropped++
      return false
    }
    w.webContents.send(EVENT_CHANNEL, event, payload)
    return true
  }
}
