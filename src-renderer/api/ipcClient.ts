import type { FileDialogKind } from '../../src-shared/contract'
import type { LabClient } from './client'
import { EngineError } from './client'

/** What src-main/preload exposes as `window.lab`. */
export interface PreloadApi {
  invoke(method: string, params?: unknown): Promise<{ ok: true; result: unknown } | { ok: false; error: { code: string; message: string } }>
  on(event: string, cb: (payload: unknown) => void): () => void
  /** Native open-file dialog of a kind; resolves to the chosen paths, [] when cancelled. */
  pickFiles?(kind: FileDialogKind): Promise<string[]>
}

/**
 * Params as plain data, exactly as the WebSocket sends them (JSON). contextBridge and Electron's IPC
 * structured-clone what crosses them and refuse a Vue reactive object ("An object could not be cloned");
 * the JSON form is also what makes both transports hand the engine the same thing.
 */
function plain(params: unknown): unknown {
  return params === undefined ? undefined : JSON.parse(JSON.stringify(params))
}

export function createIpcClient(api: PreloadApi): LabClient {
  return {
    transport: 'ipc',
    async invoke(method, params) {
      const reply = await api.invoke(method, plain(params))
      if (!reply.ok) throw new EngineError(reply.error.code, reply.error.message)
      return reply.result as any
    },
    on: (event, cb) => api.on(event, cb as (p: unknown) => void),
    files: {
      mode: 'native',
      pick: async (kind) => {
        if (!api.pickFiles) throw new EngineError('unsupported', 'this window cannot open a file dialog')
        return api.pickFiles(kind)
      }
    }
  }
}

/**
 * The desktop window without its bridge (the preload failed to load): there is no engine to reach from a
 * file:// page, so every call fails with the reason and the connection banner shows it — instead of a
 * WebSocket to "ws:///" that the CSP refuses, retried forever behind "cannot reach the engine".
 */
export function createUnreachableClient(message: string): LabClient {
  const fail = () => Promise.reject(new EngineError('disconnected', message))
  return {
    transport: 'ipc',
    invoke: fail as LabClient['invoke'],
    on(event, cb) {
      if (event === 'engine.connection') queueMicrotask(() => (cb as (p: unknown) => void)({ connected: false, message }))
      return () => {}
    },
    files: { mode: 'native', pick: fail }
  }
}
