import type { LabClient } from './client'
import { EngineError } from './client'

/** What src-main/preload exposes as `window.lab`. */
export interface PreloadApi {
  invoke(method: string, params?: unknown): Promise<{ ok: true; result: unknown } | { ok: false; error: { code: string; message: string } }>
  on(event: string, cb: (payload: unknown) => void): () => void
  /** Native open-file dialog (multi-select); resolves to the chosen paths, [] when cancelled. */
  pickFiles?(): Promise<string[]>
}

export function createIpcClient(api: PreloadApi): LabClient {
  return {
    transport: 'ipc',
    async invoke(method, params) {
      const reply = await api.invoke(method, params)
      if (!reply.ok) throw new EngineError(reply.error.code, reply.error.message)
      return reply.result as any
    },
    on: (event, cb) => api.on(event, cb as (p: unknown) => void),
    files: {
      mode: 'native',
      pick: async () => {
        if (!api.pickFiles) throw new EngineError('unsupported', 'this window cannot open a file dialog')
        return api.pickFiles()
      }
    }
  }
}
