/**
 * A WebSocket client that stops reading must not make the engine buffer without bound: the channel logic
 * with a socket whose buffer the test controls, then a real paused client of the real engine process
 * beside a client that reads.
 */
import { afterAll, describe, expect, test } from 'vitest'
import WebSocket from 'ws'
import { BEHIND_CLOSE_CODE, ClientChannel, type Socket } from '../../src-main/engine/transport/clientChannel'
import { ENDLESS, cleanupTempDirs, sleep, startServeEngine, tempDir, waitFor } from './helpers'

afterAll(cleanupTempDirs)

/** A socket whose unsent bytes the test sets (the network side of ws). */
function fakeSocket() {
  const sock = {
    readyState: 1,
    OPEN: 1,
    bufferedAmount: 0,
    sent: [] as any[],
    closed: null as { code: number; reason: string } | null,
    terminated: false,
    send(data: string) {
      this.sent.push(JSON.parse(data))
    },
    close(code: number, reason: string) {
      this.closed = { code, reason }
      this.readyState = 3
    },
    terminate() {
      this.terminated = true
      this.readyState = 3
    }
  }
  return sock satisfies Socket
}

const limits = { slowBytes: 1000, closeBytes: 10_000, checkMs: 10 }
const progress = (runId: string, step: number) => ({ runId, fraction: step / 100, step, totalSteps: 100, etaSeconds: null, message: '', samplesPerSecond: null })

describe('ClientChannel', () => {
  test('a client that keeps up gets every event as it comes', () => {
    const ws = fakeSocket()
    const ch = new ClientChannel(ws, limits)
    for (let i = 0; i < 5; i++) ch.event('run.progress', progress('r', i))
    ch.event('run.metrics', { runId: 'r', points: [], series: [] })
    expect(ws.sent.map((m) => m.event)).toEqual([...new Array(5).fill('run.progress'), 'run.metrics'])
    expect(ch.held).toBe(0)
  })

  test('behind: progress and "changed" events coalesce (latest wins) and go out once it has caught up', async () => {
    const ws = fakeSocket()
    const ch = new ClientChannel(ws, limits)
    ws.bufferedAmount = 5000
    for (let i = 0; i < 50; i++) {
      ch.event('run.progress', progress('a', i))
      ch.event('run.progress', progress('b', i))
      ch.event('runs.changed', { runId: 'a' })
    }
    expect(ws.sent).toEqual([])
    expect(ch.held).toBe(150)
    ws.bufferedAmount = 0
    await waitFor(() => ws.sent.length > 0, 'the held events', 1000, 5)
    expect(ws.sent.map((m) => [m.event, m.payload.runId, m.payload.step])).toEqual([
      ['run.progress', 'a', 49],
      ['run.progress', 'b', 49],
      ['runs.changed', 'a', undefined]
    ])
    expect(ws.closed).toBeNull()
  })

  test('behind with metrics to send: nothing queues; once it has caught up the client is told to reload (close 4000)', async () => {
    const ws = fakeSocket()
    const ch = new ClientChannel(ws, limits)
    ws.bufferedAmount = 5000
    for (let i = 0; i < 100; i++) ch.event('run.metrics', { runId: 'r', points: [{ key: 'k', step: i, wall: i, value: i }], series: [] })
    await sleep(50)
    expect(ws.sent).toEqual([]) // still behind: it waits, holding nothing
    expect(ws.closed).toBeNull()
    ws.bufferedAmount = 0
    await waitFor(() => ws.closed, 'the reload request', 1000, 5)
    expect(ws.closed).toEqual({ code: BEHIND_CLOSE_CODE, reason: 'the client fell behind; reconnect to reload' })
    expect(ws.sent).toEqual([])
  })

  test("a large reply still being sent does not count as falling behind: events keep coming, the hard limit counts beyond it", async () => {
    const ws = fakeSocket()
    const ch = new ClientChannel(ws, limits)
    const result = 'x'.repeat(50_000) // a big answer the client asked for (a compare view's curves)
    ch.reply({ type: 'result', id: 1, result })
    ws.bufferedAmount = 50_100 // not yet on the wire
    ch.event('run.metrics', { runId: 'r', points: [], series: [] })
    ch.event('run.progress', progress('r', 1))
    expect(ws.sent.map((m) => m.type === 'event' ? m.event : m.type)).toEqual(['result', 'run.metrics', 'run.progress'])
    expect(ws.terminated).toBe(false)
    // Beyond the reply, the usual limits: slow → held, then a reload once it has caught up.
    ws.bufferedAmount = 50_100 + 5000
    ch.event('run.metrics', { runId: 'r', points: [], series: [] })
    expect(ws.sent).toHaveLength(3)
    ws.bufferedAmount = 0
    await waitFor(() => ws.closed, 'the reload request', 1000, 5)
    expect(ws.closed?.code).toBe(BEHIND_CLOSE_CODE)
    expect(ws.terminated).toBe(false)
  })

  test('past the hard limit the connection is dropped; replies always go out below it', () => {
    const ws = fakeSocket()
    const ch = new ClientChannel(ws, limits)
    ws.bufferedAmount = 5000
    ch.reply({ type: 'result', id: 1, result: 42 })
    expect(ws.sent).toEqual([{ type: 'result', id: 1, result: 42 }])
    ws.bufferedAmount = 20_000
    ch.event('run.progress', progress('r', 1))
    expect(ws.terminated).toBe(true)
  })
})

describe('a real paused client of the engine', () => {
  test('is held to a bounded buffer and told to reload, while a client that reads gets everything', async () => {
    const TOKEN = 'slow-client-token-0123456789abcdef'
    const server = await startServeEngine(tempDir(), TOKEN)
    const url = `ws://127.0.0.1:${server.port}/ws?token=${TOKEN}`
    const open = async () => {
      const ws = new WebSocket(url)
      await new Promise((res) => ws.once('open', res))
      return ws
    }
    const call = (ws: WebSocket, id: number, method: string, params?: unknown) =>
      new Promise<any>((res) => {
        const on = (d: WebSocket.RawData) => {
          const m = JSON.parse(String(d))
          if (m.id === id) (ws.off('message', on), res(m.result ?? m.error))
        }
        ws.on('message', on)
        ws.send(JSON.stringify({ type: 'call', id, method, params }))
      })
    const reader = await open()
    const paused = await open()
    let readBytes = 0
    let pausedBytes = 0
    reader.on('message', (d: Buffer) => (readBytes += d.length))
    paused.on('message', (d: Buffer) => (pausedBytes += d.length))
    const closed = new Promise<number>((res) => paused.once('close', (code) => res(code)))
    try {
      // The paused client stops reading from its socket before anything is sent (a frozen tab; never having
      // read, its kernel receive buffer stays small); the reader goes on.
      ;(paused as any)._socket.pause()
      // One run with a 400×400 boundary every epoch (≈ 430 kB a snapshot): megabytes of events a second.
      const config = { ...ENDLESS, dataset: { ...ENDLESS.dataset, n: 40 }, batchSize: 4, boundary: { every: 1, resolution: 400 } }
      const e = await call(reader, 2, 'experiments.create', { name: 'slow client', studyId: 'training', config })
      const run = await call(reader, 3, 'runs.start', { experimentId: e.id })
      // More than the socket buffers and the engine's slow limit (1 MB) hold.
      await waitFor(() => readBytes > 12e6, '12 MB of events to the reading client', 120_000, 100)
      ;(paused as any)._socket.resume()

      expect(await closed).toBe(BEHIND_CLOSE_CODE)
      // It received what was already in the socket buffers and the engine's first megabyte — not the 12 MB.
      expect(pausedBytes).toBeLessThan(readBytes / 2)
      expect(reader.readyState).toBe(WebSocket.OPEN)
      await call(reader, 10, 'runs.cancel', { id: run.id })
    } finally {
      reader.close()
      paused.terminate()
      await server.stop()
    }
  })
})
