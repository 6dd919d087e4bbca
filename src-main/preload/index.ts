/**
 * Exposes `window.lab` to the sandboxed renderer: `invoke` for the contract's methods, `on` for its
 * events and `pickFiles` for the native import dialog — nothing else, no raw channels, no Node.
 */
import { contextBridge, ipcRenderer } from 'electron'
import { EVENT_NAMES, METHOD_NAMES } from '../../src-shared/contract'
import { PICK_FILES_CHANNEL } from '../electron/dialogs'

const methods = new Set<string>(METHOD_NAMES)
const events = new Set<string>(EVENT_NAMES)

contextBridge.exposeInMainWorld('lab', {
  invoke: (method: string, params?: unknown) => {
    if (!methods.has(method)) return Promise.reject(new Error(`unknown method "${method}"`))
    return ipcRenderer.invoke('lab:invoke', method, params)
  },
  on: (event: string, cb: (payload: unknown) => void) => {
    if (!events.has(event)) throw new Error(`unknown event "${event}"`)
    const listener = (_e: unknown, name: string, payload: unknown) => {
      if (name === event) cb(payload)
    }
    ipcRenderer.on('lab:event', listener)
    return () => ipcRenderer.removeListener('lab:event', listener)
  },
  /** Native open-file dialog for dataset imports: resolves to the chosen paths ([] when cancelled). */
  pickFiles: (): Promise<string[]> => ipcRenderer.invoke(PICK_FILES_CHANNEL)
})
