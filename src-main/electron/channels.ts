/**
 * The IPC channels between the preload and Electron main — the only ones there are. The renderer never
 * names a channel: it calls `window.lab`, which the preload maps onto these.
 */
/** `invoke(method, params)` for the contract's methods; replies `{ ok, result | error }`. */
export const INVOKE_CHANNEL = 'lab:invoke'
/** Engine events, main → window: `(event, payload)`. */
export const EVENT_CHANNEL = 'lab:event'
/** The native open-file dialog: `(kind)` → chosen paths. */
export const PICK_FILES_CHANNEL = 'lab:pickFiles'
