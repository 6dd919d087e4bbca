/**
 * Exposes `window.lab` to the sandboxed renderer: `invoke` for the contract's methods, `on` for its
 * events and `pickFiles(kind)` for the native open-file dialogs — nothing else, no raw channels, no Node.
 *
 * A sandboxed preload may require only Electron's renderer modules, `events`, `timers` and `url`, so the
 * build bundles every import (the contract's names and zod behind them) into out/preload/index.cjs;
 * test/unit/preload.sandbox.test.ts loads that file under exactly those rules.
 */
import { contextBridge, ipcRenderer } from 'electron'
import { EVENT_NAMES, FILE_DIALOG_KINDS, METHOD_NAMES } from '../../src-shared/contract'
import { EVENT_CHANNEL, INVOKE_CHANNEL, PICK_FILES_CHANNEL } from '../electron/channels'

type Callback = (payload: unknown) => void

const methods = new Set<string>(METHOD_NAMES)
const events = new Set<string>(EVENT_NAMES)
const dialogKinds = new Set<string>(FILE_DIALOG_KINDS)

// One IPC listener dispatches to every subscription: the renderer subscribes a few dozen times, and one
// ipcRenderer listener each would pass Node's listener limit (MaxListenersExceededWarning).
// (A subscription is its own object: the same callback subscribed twice is two subscriptions.)
const subscribers = new Map<string, Set<{ cb: Callback }>>()
ipcRenderer.on(EVENT_CHANNEL, (_e: unknown, name: string, payload: unknown) => {
  for (const sub of subscribers.get(name) ?? []) {
    try {
      sub.cb(payload)
    } catch (err) {
      console.error(`window.lab: a "${name}" listener threw`, err) // the other listeners still get the event
    }
  }
})

contextBridge.exposeInMainWorld('lab', {
  invoke: (method: string, params?: unknown) => {
    if (!methods.has(method)) return Promise.reject(new Error(`unknown method "${String(method).slice(0, 100)}"`))
    return ipcRenderer.invoke(INVOKE_CHANNEL, method, params)
  },
  on: (event: string, cb: Callback) => {
    if (!events.has(event)) throw new Error(`unknown event "${String(event).slice(0, 100)}"`)
    if (typeof cb !== 'function') throw new Error(`lab.on("${event}") needs a callback`)
    let set = subscribers.get(event)
    if (!set) subscribers.set(event, (set = new Set()))
    const sub = { cb }
    set.add(sub)
    return () => {
      set.delete(sub)
    }
  },
  /** Native open-file dialog of a kind (`dataset`, `run`): resolves to the chosen paths ([] when cancelled). */
  pickFiles: (kind: string): Promise<string[]> => {
    if (!dialogKinds.has(kind)) return Promise.reject(new Error(`unknown file dialog "${String(kind).slice(0, 40)}"`))
    return ipcRenderer.invoke(PICK_FILES_CHANNEL, kind)
  }
})
