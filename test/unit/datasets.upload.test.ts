/**
 * Serve mode upload (POST /upload) against the real engine process, then an import of the uploaded file:
 * streamed to disk, refused over the limit, removed when it fails, when the client aborts and when its
 * import ends however it ends — and messages name the file by its own name, never the internal one.
 */
import { existsSync, readdirSync, readFileSync, statSync, utimesSync, mkdirSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { dirname, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import WebSocket from 'ws'
import { removeStaleUploads } from '../../src-main/engine/paths'
import { sanitiseUploadName, serve, type Served } from '../../src-main/engine/transport/http'
import type { Lab } from '../../src-main/engine/lab'
import { ROOT, cleanupTempDirs, openLab, startServeEngine, tempDir, waitFor } from './helpers'

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

/** Start an import (or any job-making call) and resolve with the job's final `datasets.job` event. */
async function jobToEnd(method: string, params: unknown, then?: (job: any, call: (m: string, p: unknown) => void) => void): Promise<any> {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws?token=${TOKEN}`)
  await new Promise((res) => ws.once('open', res))
  let id = 1
  const call = (m: string, p: unknown) => ws.send(JSON.stringify({ type: 'call', id: ++id, method: m, params: p }))
  const done = new Promise<any>((res, rej) =>
    ws.on('message', (data) => {
      const m = JSON.parse(String(data))
      if (m.id === 1 && m.type === 'error') rej(new Error(m.error.message))
      if (m.id === 1 && m.type === 'result') then?.(m.result, call)
      if (m.type === 'event' && m.event === 'datasets.job' && m.payload.status !== 'running' && !m.payload.label.startsWith('Built-in')) res(m.payload)
    })
  )
  ws.send(JSON.stringify({ type: 'call', id: 1, method, params }))
  try {
    return await done
  } finally {
    ws.close()
  }
}

const uploads = () => (existsSync(join(dataDir, 'uploads')) ? readdirSync(join(dataDir, 'uploads')) : [])

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

/** POST with full control of headers; the body is written in `count` pieces of `chunk` (streamed, not buffered). */
function post(
  path: string,
  body: { chunk: Buffer; count: number },
  headers: Record<string, string> = {},
  port = server.port,
  during?: (written: number) => void
): Promise<{ status: number; body: string }> {
  return new Promise((res, rej) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', headers: { 'content-type': 'application/octet-stream', ...headers } }, (r) => {
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
        during?.(i)
        if (!req.write(body.chunk)) return void req.once('drain', write)
      }
      req.end()
    }
    write()
  })
}

const status = () => readFileSync(`/proc/${server.child.pid}/status`, 'utf8')
const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status())?.[1] ?? NaN)
/** Reset the engine's peak RSS (VmHWM) to its current RSS (Linux: writing 5 to clear_refs). */
const resetPeak = () => writeFileSync(`/proc/${server.child.pid}/clear_refs`, '5')

describe('POST /upload', () => {
  test('without the token, with a foreign Origin or Host: 403, nothing written', async () => {
    const one = { chunk: Buffer.from('1,2,0\n'), count: 1 }
    expect((await post('/upload?name=a.csv', one)).status).toBe(403)
    expect((await post('/upload?name=a.csv&token=wrong', one)).status).toBe(403)
    expect((await post(`/upload?name=a.csv&token=${TOKEN}`, one, { origin: 'http://evil.example' })).status).toBe(403)
    expect((await post(`/upload?name=a.csv&token=${TOKEN}`, one, { host: `evil.example:${server.port}` })).status).toBe(403)
    expect(uploads()).toEqual([])
  })

  test('a path-traversal name is neutralised: the file lands in its own folder under <dataDir>/uploads, under its own name', async () => {
    const r = await post(`/upload?name=${encodeURIComponent('../../../etc/passwd')}&token=${TOKEN}`, { chunk: Buffer.from('x'), count: 3 })
    expect(r.status).toBe(200)
    const { path } = JSON.parse(r.body)
    expect(dirname(dirname(path))).toBe(join(dataDir, 'uploads'))
    expect(path).toMatch(/\/uploads\/[0-9a-f-]{36}\/passwd$/)
    expect(readFileSync(path, 'utf8')).toBe('xxx')
    expect(sanitiseUploadName('..\\..\\win.ini')).toBe('win.ini')
    expect(sanitiseUploadName('../')).toBe('upload')
    expect(sanitiseUploadName('.hidden')).toBe('hidden')
    expect(sanitiseUploadName('a b;$(rm).csv')).toBe('a_b_rm_.csv')
  })

  test('a large body is streamed to disk, not buffered: the peak RSS during the upload stays far below the body', async () => {
    const chunk = Buffer.alloc(1 << 20, 7)
    // Measured from a reset peak, and sampled while the body is still arriving (a server that buffers
    // would hold all of it before its first write).
    resetPeak()
    const before = kb('VmRSS')
    let duringPeak = 0
    const r = await post(`/upload?name=big.bin&token=${TOKEN}`, { chunk, count: 96 }, {}, server.port, (i) => {
      if (i % 16 === 0) duringPeak = Math.max(duringPeak, kb('VmHWM'))
    })
    expect(r.status).toBe(200)
    const { path } = JSON.parse(r.body)
    expect(statSync(path).size).toBe(96 << 20)
    const peak = Math.max(duringPeak, kb('VmHWM'))
    expect(peak - before).toBeLessThan(48 * 1024)
  })

  test('a Content-Length over the limit is refused with 413 before anything is written', async () => {
    const r = await post(`/upload?name=huge.bin&token=${TOKEN}`, { chunk: Buffer.alloc(10), count: 1 }, { 'content-length': String(3 * 1024 ** 3) }).catch((e) => ({ status: -1, body: String(e) }))
    expect(r.status).toBe(413)
    expect(JSON.parse(r.body).error).toMatch(/larger than the upload limit \(2147483648 bytes\)/)
    expect(uploads().filter((u) => readdirSync(join(dataDir, 'uploads', u)).includes('huge.bin'))).toEqual([])
  })

  test('an upload the client aborts half way is removed', async () => {
    const before = new Set(uploads())
    await new Promise<void>((res) => {
      const req = request({ host: '127.0.0.1', port: server.port, path: `/upload?name=partial.bin&token=${TOKEN}`, method: 'POST', headers: { 'content-length': String(8 << 20) } })
      req.on('error', () => res())
      req.write(Buffer.alloc(1 << 20, 1), () => {
        // the folder exists while the body arrives…
        setTimeout(() => {
          req.destroy()
          res()
        }, 200)
      })
    })
    // …and is gone once the connection is cut
    await waitFor(() => uploads().filter((u) => !before.has(u)).length === 0, 'the partial upload to be removed', 5000)
  })
})

describe('an uploaded file lives until its import ends', () => {
  const upload = async (name: string, content: string | Buffer) => {
    const r = await post(`/upload?name=${name}&token=${TOKEN}`, { chunk: Buffer.from(content), count: 1 })
    expect(r.status).toBe(200)
    return JSON.parse(r.body).path as string
  }

  test('a successful import removes it; the label and provenance name the file, not the upload', async () => {
    const path = await upload('tiny.csv', 'a,b,y\n1,2,0\n3,4,1\n')
    expect(existsSync(path)).toBe(true)
    const job = await jobToEnd('datasets.import', { paths: [path] })
    expect(job.status, job.error ?? '').toBe('done')
    expect(job.label).toBe('Import tiny.csv')
    const d = (await wsCall('datasets.get', { id: job.datasetId })).result
    expect(d).toMatchObject({ name: 'tiny', shape: { n: 2, sample: [2] }, classCounts: [1, 1] })
    expect(d.provenance.importedFrom).toEqual([expect.objectContaining({ name: 'tiny.csv', path: 'tiny.csv' })])
    expect(existsSync(dirname(path))).toBe(false)
  })

  test('a failed import removes it, and its message names the file without the internal folder', async () => {
    const path = await upload('bad.csv', 'a,b,y\n1,2,0\n3,x,1\n')
    const job = await jobToEnd('datasets.import', { paths: [path] })
    expect(job.status).toBe('failed')
    expect(job.error).toBe('bad.csv line 3, column "b": "x" is not a number')
    expect(job.error).not.toMatch(/uploads|[0-9a-f]{8}-/)
    expect(existsSync(dirname(path))).toBe(false)
  })

  test('a cancelled import removes it', async () => {
    const rows = Array.from({ length: 200_000 }, (_, i) => `${i % 7},${i % 5},${i % 3}`).join('\n')
    const path = await upload('big.csv', `a,b,y\n${rows}\n`)
    const job = await jobToEnd('datasets.import', { paths: [path] }, (started, call) => call('datasets.cancelJob', { jobId: started.jobId }))
    expect(job.status).toBe('cancelled')
    expect(existsSync(dirname(path))).toBe(false)
  })

  test('runs.import of an uploaded file removes it, failed or not', async () => {
    const path = await upload('foreign.json', '{"hello": "world"}')
    const r = await wsCall('runs.import', { path })
    expect(r.error.message).toBe('foreign.json is not a run export: field "format" is missing, expected "phenomenology-lab/run"')
    expect(existsSync(dirname(path))).toBe(false)
  })

  test('upload folders nobody imported are removed at start-up once they are a day old', () => {
    const dir = tempDir()
    const old = join(dir, 'uploads', 'old-one')
    const fresh = join(dir, 'uploads', 'fresh-one')
    for (const d of [old, fresh]) {
      mkdirSync(d, { recursive: true })
      writeFileSync(join(d, 'x.csv'), '1,0\n')
    }
    const twoDaysAgo = (Date.now() - 2 * 24 * 3600_000) / 1000
    utimesSync(old, twoDaysAgo, twoDaysAgo)
    expect(removeStaleUploads(dir)).toBe(1)
    expect(readdirSync(join(dir, 'uploads'))).toEqual(['fresh-one'])
  })
})

describe('the upload limit, streamed (a body without a declared length)', () => {
  let lab: Lab
  let served: Served

  beforeAll(async () => {
    lab = await openLab(tempDir())
    served = await serve(lab, { port: 0, token: TOKEN, rendererDir: join(ROOT, 'out', 'renderer'), uploadLimitBytes: 64 * 1024 })
  })

  afterAll(async () => {
    await served?.close()
    await lab?.close()
  })

  test('passing the limit mid-body answers 413 and removes what was written', async () => {
    const r = await post(`/upload?name=over.bin&token=${TOKEN}`, { chunk: Buffer.alloc(16 * 1024, 1), count: 8 }, { 'transfer-encoding': 'chunked' }, served.port).catch((e) => ({
      status: -1,
      body: String(e)
    }))
    expect(r.status).toBe(413)
    expect(JSON.parse(r.body).error).toBe('the file is larger than the upload limit (65536 bytes)')
    const dir = join(lab.info().dataDir, 'uploads')
    await waitFor(() => !existsSync(dir) || readdirSync(dir).length === 0, 'the over-limit upload to be removed', 5000)
    // exactly at the limit is fine
    const ok = await post(`/upload?name=at.bin&token=${TOKEN}`, { chunk: Buffer.alloc(16 * 1024, 1), count: 4 }, { 'transfer-encoding': 'chunked' }, served.port)
    expect(ok.status).toBe(200)
    expect(statSync(JSON.parse(ok.body).path).size).toBe(64 * 1024)
  })
})
