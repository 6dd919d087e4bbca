import type { LabClient } from './client'
import { EngineError } from './client'

/** What src-main/preload exposes as `window.lab`. */
export interface PreloadApi {
  invoke(method: string, params?: unknown): Promise<{ ok: true; result: unknown } | { ok: false; error: { code: string; message: string } }>
  on(event: string, cb: (payload: unknown) => void): () => void
}

export function createIpcClient(api: PreloadApi): LabClient {
  return {
    transport: 'ipc',
    async invoke(method, params) {
      const reply = await api.invoke(method, params)
      if (!reply.ok) throw new EngineError(reply.error.code, reply.error.message)
      return reply.result as any
    },
    on: (event, cb) => api.on(event, cb as (p: unknown) => void)
  }
}
