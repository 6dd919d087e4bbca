/** Serve mode security against the real engine process: token, Host and Origin checks on HTTP and WebSocket. */
import { request } from 'node:http'
import { connect as tcpConnect } from 'node:net'
import { networkInterfaces } from 'node:os'
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import WebSocket from 'ws'
import { openStore } from '../../src-main/engine/store'
import { ROOT, cleanupTempDirs, startServeEngine, tempDir } from './helpers'

const TOKEN = 'test-token-0123456789abcdef0123456789abcdef'
let server: Awaited<ReturnType<typeof startServeEngine>>
let base: string
let dataDir: string

beforeAll(async () => {
  dataDir = tempDir()
  server = await startServeEngine(dataDir, TOKEN)
  base = `http://127.0.0.1:${server.port}`
})

afterAll(async () => {
  await server?.stop()
  cleanupTempDirs()
})

/** A GET with full control over the headers (fetch does not let us set Host). */
function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, any>; body: string }> {
  return new Promise((res, rej) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, headers }, (r) => {
      let body = ''
      r.setEncoding('utf8')
      r.on('data', (d) => (body += d))
      r.on('end', () => res({ status: r.statusCode!, headers: r.headers, body }))
    })
    req.on('error', rej)
    req.end()
  })
}

/** Open a WebSocket; resolves with the socket once open, or with the refusal. */
function connect(url: string, headers: Record<string, string> = {}): Promise<{ ws: WebSocket } | { refused: string }> {
  return new Promise((res) => {
    const ws = new WebSocket(url, { headers })
    ws.once('open', () => res({ ws }))
    ws.once('unexpected-response', (_req, r) => {
      res({ refused: `HTTP ${r.statusCode}` })
      r.destroy()
    })
    ws.once('error', (err) => res({ refused: err.message }))
  })
}

function callOver(ws: WebSocket, id: number, method: string, params?: unknown): Promise<any> {
  return new Promise((res) => {
    const onMessage = (data: WebSocket.RawData) => {
      const m = JSON.parse(String(data))
      if (m.id === id) {
        ws.off('message', onMessage)
        res(m)
      }
    }
    ws.on('message', onMessage)
    ws.send(JSON.stringify({ type: 'call', id, method, params }))
  })
}

describe('serve mode: HTTP', () => {
  test('the printed URL carries the token and points at 127.0.0.1', () => {
    expect(server.url.hostname).toBe('127.0.0.1')
    expect(server.url.searchParams.get('token')).toBe(TOKEN)
  })

  test('without a token: 403', async () => {
    const r = await get('/')
    expect(r.status).toBe(403)
    expect(r.body).toMatch(/Forbidden/)
    expect(r.body).not.toContain(TOKEN)
    expect((await get('/index.html')).status).toBe(403)
    expect((await get('/?token=wrong')).status).toBe(403)
    expect((await get(`/?token=${TOKEN}x`)).status).toBe(403)
  })

  test('with the token but from a foreign Origin: 403; from its own Origin: 200', async () => {
    for (const origin of ['http://evil.example', 'null', `https://127.0.0.1:${server.port}`]) {
      expect((await get(`/?token=${TOKEN}`, { origin })).status, origin).toBe(403)
    }
    expect((await get(`/?token=${TOKEN}`, { origin: base })).status).toBe(200)
  })

  test('with the token: 200 and the built index.html, with CSP and an HttpOnly token cookie', async () => {
    const r = await get(`/?token=${TOKEN}`, { host: `127.0.0.1:${server.port}` })
    expect(r.status).toBe(200)
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(r.body).toBe(readFileSync(join(ROOT, 'out', 'renderer', 'index.html'), 'utf8'))
    expect(r.headers['content-security-policy']).toMatch(/default-src 'self'/)
    // Named for this instance (cookies ignore ports: two labs on 127.0.0.1 must not overwrite each other's).
    expect(r.headers['set-cookie']).toEqual([`lab_token_${server.port}=${TOKEN}; HttpOnly; SameSite=Strict; Path=/`])
    // the cookie alone is then enough
    expect((await get('/index.html', { cookie: `lab_token_${server.port}=${TOKEN}` })).status).toBe(200)
    expect((await get('/index.html', { cookie: `other=1; lab_token_${server.port}=${TOKEN}; more=2` })).status).toBe(200)
    expect((await get('/index.html', { cookie: `lab_token_${server.port}=nope` })).status).toBe(403)
    // another instance's cookie (another port), or the old shared name, is not this lab's
    expect((await get('/index.html', { cookie: `lab_token_${server.port + 1}=${TOKEN}` })).status).toBe(403)
    expect((await get('/index.html', { cookie: `lab_token=${TOKEN}` })).status).toBe(403)
    // and localhost is this server too
    expect((await get(`/?token=${TOKEN}`, { host: `localhost:${server.port}` })).status).toBe(200)
  })

  test('a foreign Host header is refused even with the token (DNS rebinding)', async () => {
    expect((await get(`/?token=${TOKEN}`, { host: `evil.example:${server.port}` })).status).toBe(403)
    expect((await get(`/?token=${TOKEN}`, { host: '127.0.0.1:1' })).status).toBe(403)
  })

  test('paths cannot leave the renderer folder; missing files are 404', async () => {
    expect((await get(`/../main/engine.js?token=${TOKEN}`)).status).toBe(404)
    expect((await get(`/%2e%2e/main/engine.js?token=${TOKEN}`)).status).toBe(404)
    expect((await get(`/..%2fmain%2fengine.js?token=${TOKEN}`)).status).toBe(404)
    expect((await get(`/no-such-file.js?token=${TOKEN}`)).status).toBe(404)
  })

  test('only GET and HEAD', async () => {
    const r = await fetch(`${base}/?token=${TOKEN}`, { method: 'POST', body: 'x' })
    expect(r.status).toBe(405)
  })
})

/** Write raw bytes to the server; resolves with the first response line (or '' when the server just closes). */
function rawRequest(text: string, reset = false): Promise<string> {
  return new Promise((res) => {
    const s = tcpConnect(server.port, '127.0.0.1', () => {
      s.write(text)
      if (reset) {
        s.resetAndDestroy()
        res('')
      }
    })
    let data = ''
    s.on('data', (d) => {
      data += String(d)
      if (data.includes('\r\n')) {
        res(data.split('\r\n')[0])
        s.destroy()
      }
    })
    s.on('error', () => res(data.split('\r\n')[0]))
    s.on('close', () => res(data.split('\r\n')[0]))
  })
}

describe('serve mode: malformed requests never take the engine down', () => {
  const upgrade = (target: string) =>
    `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`

  test('an unparseable request target gets 400 (HTTP) or 403 (upgrade), before or after the token check', async () => {
    expect(await rawRequest(`GET http://[ HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n\r\n`)).toBe('HTTP/1.1 400 Bad Request')
    expect(await rawRequest(upgrade('http://['))).toBe('HTTP/1.1 403 Forbidden')
    expect((await get(`/%E0%A4%A?token=${TOKEN}`)).status).toBe(400)
    expect((await get(`/?token=${TOKEN}`)).status).toBe(200)
  })

  test('clients that reset refused WebSocket upgrades', async () => {
    for (let i = 0; i < 100; i++) await rawRequest(upgrade('/ws'), true)
    await new Promise((r) => setTimeout(r, 100))
    expect(server.child.exitCode).toBeNull()
    expect((await get(`/?token=${TOKEN}`)).status).toBe(200)
  })
})

describe('serve mode: WebSocket', () => {
  test('upgrade without the token is refused', async () => {
    expect(await connect(`ws://127.0.0.1:${server.port}/ws`)).toEqual({ refused: expect.stringMatching(/403/) })
    expect(await connect(`ws://127.0.0.1:${server.port}/ws?token=wrong`)).toEqual({ refused: expect.stringMatching(/403/) })
  })

  test('upgrade with the token but a foreign Origin is refused', async () => {
    for (const origin of ['http://evil.example', `http://evil.example:${server.port}`, 'null', `https://127.0.0.1:${server.port}`]) {
      expect(await connect(`ws://127.0.0.1:${server.port}/ws?token=${TOKEN}`, { origin }), origin).toEqual({ refused: expect.stringMatching(/403/) })
    }
  })

  test('upgrade to another path is refused', async () => {
    expect(await connect(`ws://127.0.0.1:${server.port}/other?token=${TOKEN}`)).toEqual({ refused: expect.stringMatching(/403/) })
  })

  test('with the token and no Origin (a non-browser client) it works', async () => {
    const c = await connect(`ws://127.0.0.1:${server.port}/ws?token=${TOKEN}`)
    expect(c).toHaveProperty('ws')
    const ws = (c as { ws: WebSocket }).ws
    try {
      const r = await callOver(ws, 1, 'engine.info')
      expect(r).toMatchObject({ type: 'result', id: 1, result: { mode: 'serve' } })
    } finally {
      ws.close()
    }
  })

  test("with the token and the server's own Origin it works; bad messages get errors and the socket keeps working", async () => {
    for (const origin of [base, `http://localhost:${server.port}`]) {
      const c = await connect(`ws://127.0.0.1:${server.port}/ws?token=${TOKEN}`, { origin })
      expect(c, origin).toHaveProperty('ws')
      const ws = (c as { ws: WebSocket }).ws
      try {
        const notJson = new Promise<any>((res) => ws.once('message', (d) => res(JSON.parse(String(d)))))
        ws.send('this is not json')
        expect(await notJson).toEqual({ type: 'error', id: -1, error: { code: 'bad-request', message: 'message is not JSON' } })
        expect(await callOver(ws, 7, 'runs.get', { id: 3 })).toMatchObject({ type: 'error', id: 7, error: { code: 'bad-request' } })
        expect(await callOver(ws, 8, 'templates.list')).toMatchObject({ type: 'result', id: 8 })
      } finally {
        ws.close()
      }
    }
  })

  test('the token cookie also authorises the upgrade (the browser path)', async () => {
    const c = await connect(`ws://127.0.0.1:${server.port}/ws`, { origin: base, cookie: `lab_token_${server.port}=${TOKEN}` })
    expect(c).toHaveProperty('ws')
    ;(c as { ws: WebSocket }).ws.close()
    expect(await connect(`ws://127.0.0.1:${server.port}/ws`, { origin: base, cookie: `lab_token_${server.port + 1}=${TOKEN}` })).toEqual({ refused: expect.stringMatching(/403/) })
  })

  test('upgrade with the token but a foreign Host is refused (DNS rebinding)', async () => {
    for (const host of [`evil.example:${server.port}`, `127.0.0.1:${server.port + 1}`, 'localhost', `127.0.0.2:${server.port}`]) {
      expect(await connect(`ws://127.0.0.1:${server.port}/ws?token=${TOKEN}`, { host }), host).toEqual({ refused: expect.stringMatching(/403/) })
    }
    expect(await connect(`ws://127.0.0.1:${server.port}/ws?token=${TOKEN}`, { host: `localhost:${server.port}` })).toHaveProperty('ws')
  })
})

describe('serve mode: a run export is a streamed download', () => {
  test('GET /export/run?id= streams the document with its name; unknown runs 404, no token 403; nothing is left behind', async () => {
    // A finished run written beside the engine (WAL: a second writer is fine).
    const store = openStore(dataDir)
    const run = store.runs.create({ experimentId: null, name: 'Spirals "α"/1', studyId: 'training', config: { epochs: 1 }, seed: 2 })
    store.runs.appendBatch(run.id, {
      scalars: Array.from({ length: 5000 }, (_, i) => ({ key: 'train/loss', step: i, wall: i, value: 1 / (i + 1) })),
      series: [{ key: 'boundary', step: 1, payload: { nx: 2, cls: 'AAE=' } }],
      artifacts: [{ name: 'w.bin', kind: 'weights', bytes: Uint8Array.from([1, 2, 3]) }]
    })
    store.runs.finish(run.id, 'completed')
    store.close()

    const r = await get(`/export/run?id=${run.id}&token=${TOKEN}`)
    expect(r.status).toBe(200)
    expect(r.headers['content-type']).toBe('application/json')
    // the name made a file name ("/ and quotes out), with an ASCII fallback and the UTF-8 original
    expect(r.headers['content-disposition']).toBe(`attachment; filename="Spirals ____1.json"; filename*=UTF-8''Spirals%20_%CE%B1__1.json`)
    expect(Number(r.headers['content-length'])).toBe(Buffer.byteLength(r.body))
    const doc = JSON.parse(r.body)
    expect(doc).toMatchObject({ format: 'phenomenology-lab/run', run: { id: run.id, name: 'Spirals "α"/1' }, series: [{ key: 'boundary', step: 1 }], artifacts: [{ name: 'w.bin', base64: 'AQID' }] })
    expect(doc.scalars['train/loss'].step).toHaveLength(5000)
    expect(readdirSync(join(dataDir, 'exports'))).toEqual([])

    expect((await get(`/export/run?id=nope&token=${TOKEN}`)).status).toBe(404)
    expect((await get(`/export/run?id=${run.id}`)).status).toBe(403)
    expect((await get(`/export/run?id=${run.id}&token=${TOKEN}`, { cookie: `lab_token_${server.port}=${TOKEN}`, origin: 'http://evil.example' })).status).toBe(403)
    expect((await fetch(`${base}/export/run?id=${run.id}&token=${TOKEN}`, { method: 'POST' })).status).toBe(405)
  })
})

describe('serve mode: the bind', () => {
  /** Listening sockets of this port from the kernel's own tables (address:port in hex, state 0A = LISTEN). */
  function listeners(port: number): string[] {
    const out: string[] = []
    for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
      let text = ''
      try {
        text = readFileSync(table, 'utf8')
      } catch {
        continue
      }
      for (const line of text.split('\n').slice(1)) {
        const f = line.trim().split(/\s+/)
        if (f.length < 4 || f[3] !== '0A') continue
        const [addr, p] = f[1].split(':')
        if (parseInt(p, 16) === port) out.push(addr)
      }
    }
    return out
  }

  test('the server listens on 127.0.0.1 only: no wildcard or other-interface socket, and another interface refuses', async () => {
    // 0100007F is 127.0.0.1 in /proc/net/tcp's little-endian hex
    expect(listeners(server.port)).toEqual(['0100007F'])
    const other = Object.values(networkInterfaces())
      .flat()
      .find((i) => i && i.family === 'IPv4' && !i.internal)
    if (other) {
      const refused = await new Promise<string>((res) => {
        const s = tcpConnect(server.port, other.address)
        s.once('connect', () => (s.destroy(), res('connected')))
        s.once('error', (e: NodeJS.ErrnoException) => res(e.code ?? e.message))
      })
      expect(refused, `connecting to ${other.address}:${server.port}`).toBe('ECONNREFUSED')
    }
  })
})
