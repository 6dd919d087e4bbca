/**
 * The renderer's choice of transport (src-renderer/api/client.ts) where the desktop window's bridge is
 * missing: a file:// page has no engine behind it, so it must say so — not open a WebSocket to "ws:///"
 * that the CSP refuses, retried forever behind "cannot reach the engine".
 */
import { describe, expect, it } from 'vitest'
import { BRIDGE_MISSING, selectClient } from '../../src-renderer/api/client'
import type { PreloadApi } from '../../src-renderer/api/ipcClient'

describe('selectClient', () => {
  it('uses window.lab when the preload exposed it', async () => {
    const api: PreloadApi = { invoke: async (m) => ({ ok: true, result: m }), on: () => () => {} }
    const client = selectClient({ lab: api, location: { protocol: 'file:', host: '', search: '' } })
    expect(client.transport).toBe('ipc')
    await expect(client.invoke('engine.info')).resolves.toBe('engine.info')
  })

  it('in a file:// page without window.lab, fails every call with the reason and reports it as the connection state', async () => {
    const client = selectClient({ location: { protocol: 'file:', host: '', search: '' } })
    const states: unknown[] = []
    client.on('engine.connection', (c) => states.push(c))
    await expect(client.invoke('engine.info')).rejects.toMatchObject({ name: 'EngineError', code: 'disconnected', message: BRIDGE_MISSING })
    expect(states).toEqual([{ connected: false, message: BRIDGE_MISSING }])
    expect(BRIDGE_MISSING).toMatch(/preload/)
    if (client.files.mode !== 'native') throw new Error('the desktop window picks natively')
    await expect(client.files.pick('dataset')).rejects.toMatchObject({ code: 'disconnected' })
  })
})
