/**
 * WebSocket transport to the engine in serve mode. Reconnects with backoff when the engine goes away
 * (restart, crash) and reports it as `engine.connection`, so views show the state instead of going blank.
 */
import type { EventName, WireMessage } from '../../src-shared/contract'
import { EngineError, type LabClient } from './client'
import { uploadFile } from './upload'

const TOKEN_KEY = 'lab-token'

export function createWsClient(loc: Pick<Location, 'host' | 'search' | 'protocol'>): LabClient {
  // The token arrives once in the URL; keep it for reloads of this tab.
  const fromUrl = new URLSearchParams(loc.search).get('token')
  if (fromUrl) sessionStorage.setItem(TOKEN_KEY, fromUrl)
  const token = fromUrl ?? sessionStorage.getItem(TOKEN_KEY) ?? ''
  const url = `${loc.protocol === 'https:' ? 'wss' : 'ws'}://${loc.host}/ws?token=${encodeURIComponent(token)}`

  const listeners = new Map<string, Set<(p: any) => void>>()
  const pending = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void }>()
  // Calls made while disconnected wait here and go out on reconnect.
  const outbox: { id: number; text: string }[] = []
  let nextId = 1
  let ws: WebSocket | null = null
  let open = false
  let retryMs = 250

  const emit = (event: EventName, payload: unknown) => listeners.get(event)?.forEach((cb) => cb(payload))

  const connect = () => {
    // A page being torn down (or a test environment) may no longer have WebSocket: stop retrying.
    if (typeof WebSocket === 'undefined') return
    ws = new WebSocket(url)
    ws.onopen = () => {
      open = true
      retryMs = 250
      for (const m of outbox.splice(0)) ws!.send(m.text)
      emit('engine.connection', { connected: true, message: 'connected' })
    }
    ws.onmessage = (e) => {
      const m = JSON.parse(String(e.data)) as WireMessage
      if (m.type === 'event') emit(m.event, m.payload)
      else if (m.type === 'result' || m.type === 'error') {
        const p = pending.get(m.id)
        if (!p) return
        pending.delete(m.id)
        if (m.type === 'result') p.resolve(m.result)
        else p.reject(new EngineError(m.error.code, m.error.message))
      }
    }
    ws.onclose = () => {
      const wasOpen = open
      open = false
      const waiting = new Set(outbox.map((m) => m.id))
      for (const [id, p] of pending) {
        if (waiting.has(id)) continue
        pending.delete(id)
        p.reject(new EngineError('disconnected', 'the connection to the engine was lost before it answered'))
      }
      emit('engine.connection', {
        connected: false,
        message: wasOpen ? 'connection to the engine lost — reconnecting…' : 'cannot reach the engine — retrying…'
      })
      setTimeout(connect, retryMs)
      retryMs = Math.min(retryMs * 2, 4000)
    }
  }
  connect()

  return {
    transport: 'websocket',
    files: { mode: 'upload', upload: uploadFile },
    invoke(method, params) {
      const id = nextId++
      const text = JSON.stringify({ type: 'call', id, method, params } satisfies WireMessage)
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject })
        if (open) ws!.send(text)
        else outbox.push({ id, text })
      })
    },
    on(event, cb) {
      if (!listeners.has(event)) listeners.set(event, new Set())
      listeners.get(event)!.add(cb)
      return () => listeners.get(event)!.delete(cb)
    }
  }
}
