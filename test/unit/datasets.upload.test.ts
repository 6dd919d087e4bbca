/** Serve mode upload (POST /upload) against the real engine process, then an import of the uploaded file. */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { request } from 'node:http'
import { dirname, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import WebSocket from 'ws'
import { sanitiseUploadName } from '../../src-main/engine/transport/http'
import { cleanupTempDirs, startServeEngine, tempDir, waitFor } from './helpers'

const TOKEN = 'upload-token-0123456789abcdef0123456789abcdef'
let server: Awaited<ReturnType<typeof startServeEngine>>
let dataDir: string

/** One call over a fresh WebSocket. */
async function wsCall(method: string, params?: unknown): Promise<any> {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws?token=${TOKEN}`)
  await new Promise((res) => ws.once('open', res))
  const reply = await new Promise<any>((res) => {
    ws.on('message', (data) => {
      const m = JSON.parse(String(data))
      if (m.id === 1) res(m)
    })
    ws.send(JSON.stringify({ type: 'call', id: 1, method, params }))
  })
  ws.close()
  return reply
}

beforeAll(async () => {
  dataDir = tempDir()
  server = await startServeEngine(dataDir, TOKEN)
  // The built-in MNIST sample is created in the background at start: let it finish before measuring memory.
  await waitFor(async () => (await wsCall('datasets.get', { id: 'builtin-mnist' })).type === 'result', 'the built-in MNIST sample', 30_000, 100)
})

afterAll(async () => {
  await server?.stop()
  cleanupTempDirs()
})

/** POST with full control of headers; the body is written in `chunks` pieces (streamed, not buffered). */
function post(path: string, body: { chunk: Buffer; count: number }, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((res, rej) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, method: 'POST', headers: { 'content-type': 'application/octet-stream', ...headers } }, (r) => {
      let text = ''
      r.setEncoding('utf8')
      r.on('data', (d) => (text += d))
      r.on('end', () => res({ status: r.statusCode!, body: text }))
    })
    req.on('error', rej)
    let i = 0
    const write = () => {
      while (i < body.count) {
        i++
        if (!req.write(body.chunk)) return void req.once('drain', write)
      }
      req.end()
    }
    write()
  })
}

const peakRssKb = () => Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${server.child.pid}/status`, 'utf8'))?.[1] ?? 0)

describe('POST /upload', () => {
  test('without the token, with a foreign Origin or Host: 403, nothing written', async () => {
    const one = { chunk: Buffer.from('1,2,0\n'), count: 1 }
    expect((await post('/upload?name=a.csv', one)).status).toBe(403)
    expect((await post('/upload?name=a.csv&token=wrong', one)).status).toBe(403)
    expect((await post(`/upload?name=a.csv&token=${TOKEN}`, one, { origin: 'http://evil.example' })).status).toBe(403)
    expect((await post(`/upload?name=a.csv&token=${TOKEN}`, one, { host: `evil.example:${server.port}` })).status).toBe(403)
    expect(existsSync(join(dataDir, 'uploads')) ? readdirSync(join(dataDir, 'uploads')) : []).toEqual([])
  })

  test('a path-traversal name is neutralised: the file lands in <dataDir>/uploads', async () => {
    const r = await post(`/upload?name=${encodeURIComponent('../../../etc/passwd')}&token=${TOKEN}`, { chunk: Buffer.from('x'), count: 3 })
    expect(r.status).toBe(200)
    const { path } = JSON.parse(r.body)
    expect(dirname(path)).toBe(join(dataDir, 'uploads'))
    expect(path).toMatch(/\/[0-9a-f-]{36}-passwd$/)
    expect(readFileSync(path, 'utf8')).toBe('xxx')
    expect(sanitiseUploadName('..\\..\\win.ini')).toBe('win.ini')
    expect(sanitiseUploadName('../')).toBe('upload')
    expect(sanitiseUploadName('.hidden')).toBe('hidden')
    expect(sanitiseUploadName('a b;$(rm).csv')).toBe('a_b_rm_.csv')
  })

  test('a large body is streamed to disk, not buffered (engine peak RSS grows far less than the body)', async () => {
    const before = peakRssKb()
    const chunk = Buffer.alloc(1 << 20, 7)
    const r = await post(`/upload?name=big.bin&token=${TOKEN}`, { chunk, count: 96 })
    expect(r.status).toBe(200)
    const { path } = JSON.parse(r.body)
    expect(statSync(path).size).toBe(96 << 20)
    expect(peakRssKb() - before).toBeLessThan(48 * 1024)
  })

  test('the uploaded file imports with datasets.import', async () => {
    const r = await post(`/upload?name=tiny.csv&token=${TOKEN}`, { chunk: Buffer.from('a,b,y\n1,2,0\n3,4,1\n'), count: 1 })
    const { path } = JSON.parse(r.body)
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws?token=${TOKEN}`)
    await new Promise((res) => ws.once('open', res))
    const done = new Promise<any>((res) =>
      ws.on('message', (data) => {
        const m = JSON.parse(String(data))
        if (m.type === 'event' && m.event === 'datasets.job' && m.payload.status !== 'running' && !m.payload.label.startsWith('Built-in')) res(m.payload)
      })
    )
    ws.send(JSON.stringify({ type: 'call', id: 1, method: 'datasets.import', params: { paths: [path] } }))
    const job = await done
    ws.close()
    expect(job.status, job.error ?? '').toBe('done')
    expect(job.label).toBe('Import tiny.csv')
    const d = (await wsCall('datasets.get', { id: job.datasetId })).result
    expect(d).toMatchObject({ name: 'tiny', shape: { n: 2, sample: [2] }, classCounts: [1, 1] })
  })
})
