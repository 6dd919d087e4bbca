/**
 * Serve mode: the built renderer over HTTP and the API over WebSocket, on 127.0.0.1 only.
 * Every request needs the per-start token (query `?token=` once, then an HttpOnly cookie), a Host of
 * this server (against DNS rebinding), and WebSocket upgrades must come from this server's Origin.
 */
import { timingSafeEqual } from 'node:crypto'
import { randomUUID } from 'node:crypto'
import { createReadStream, createWriteStream, existsSync, mkdirSync, rmSync, statSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { extname, join, normalize, sep } from 'node:path'
import { WebSocketServer, type WebSocket } from 'ws'
import type { WireMessage } from '../../../src-shared/contract'
import type { Lab } from '../lab'
import { answer } from './wire'
import { ClientChannel } from './clientChannel'
import { ensureFolder, exportsDir, uploadsDir } from '../paths'

export const RENDERER_CSP =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; worker-src 'self' blob:; connect-src 'self' ws://127.0.0.1:* ws://localhost:*; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.woff2': 'font/woff2'
}

export interface ServeOptions {
  port: number
  token: string
  rendererDir: string
  /** Where POST /upload writes (default `<lab's dataDir>/uploads`). */
  uploadDir?: string
  /** The largest upload accepted (default UPLOAD_LIMIT_BYTES). */
  uploadLimitBytes?: number
}

/** The largest upload accepted (a whole dataset file). */
export const UPLOAD_LIMIT_BYTES = 2 * 1024 ** 3

/** A file name safe to put in the uploads folder: no directories, no leading dots, a small alphabet. */
export function sanitiseUploadName(name: string | null): string {
  const base = (name ?? '').split(/[\\/]/).pop() ?? ''
  const clean = base.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '').slice(-120)
  return clean === '' ? 'upload' : clean
}

/**
 * POST /upload?name=<file name>: the body (raw file bytes) is streamed to `<uploadDir>/<uuid>/<name>`,
 * never held in memory; answers `{ "path": "<absolute path>" }` for a following `datasets.import` or
 * `runs.import`, which removes the folder when it ends. The file keeps its own name, so messages about it
 * never show an internal one; a failed or aborted upload is removed at once.
 */
function receiveUpload(req: IncomingMessage, res: ServerResponse, url: URL, uploadDir: string, limit = UPLOAD_LIMIT_BYTES): void {
  const reply = (code: number, body: unknown) => {
    if (res.headersSent) return
    res.writeHead(code, { 'content-type': 'application/json; charset=utf-8', connection: 'close' })
    res.end(JSON.stringify(body))
  }
  const declared = Number(req.headers['content-length'] ?? NaN)
  if (Number.isFinite(declared) && declared > limit) {
    reply(413, { error: `the file is larger than the upload limit (${limit} bytes)` })
    req.resume()
    return
  }
  let folder: string
  try {
    folder = join(ensureFolder(uploadDir, 'the uploads folder'), randomUUID())
    mkdirSync(folder)
  } catch (err) {
    reply(500, { error: (err as Error).message })
    req.resume()
    return
  }
  const path = join(folder, sanitiseUploadName(url.searchParams.get('name')))
  const out = createWriteStream(path, { flags: 'wx' })
  let received = 0
  let failed = false
  const fail = (code: number, message: string) => {
    if (failed) return
    failed = true
    req.unpipe(out)
    out.destroy()
    rmSync(folder, { recursive: true, force: true })
    reply(code, { error: message })
    req.resume()
  }
  req.on('data', (c: Buffer) => {
    received += c.length
    if (received > limit) fail(413, `the file is larger than the upload limit (${limit} bytes)`)
  })
  req.on('aborted', () => fail(400, 'the upload was aborted'))
  req.on('error', (err) => fail(400, `the upload failed: ${err.message}`))
  out.on('error', (err) => fail(500, `cannot write the upload: ${err.message}`))
  out.on('finish', () => {
    if (!failed) reply(200, { path, bytes: received })
  })
  req.pipe(out)
}

/** A run's name as a download's file name (quotes and controls out; the full name also as UTF-8). */
function attachment(name: string): string {
  const file = `${name.replace(/[/\\:*?"<>|\u0000-\u001f]/g, '_').trim() || 'run'}.json`
  return `attachment; filename="${file.replace(/[^\x20-\x7e]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(file)}`
}

/**
 * GET /export/run?id=<run id>: the run's export document as a download, streamed. The engine's transfer
 * worker writes it to `<dataDir>/exports/` (any size, without blocking the engine), then it is streamed
 * from disk and removed — never one message or one string in memory.
 */
async function sendRunExport(lab: Lab, id: string, res: ServerResponse): Promise<void> {
  const fail = (code: number, message: string) => {
    if (res.headersSent) return void res.destroy()
    res.writeHead(code, { 'content-type': 'application/json; charset=utf-8' })
    res.end(JSON.stringify({ error: message }))
  }
  const run = id ? lab.store.runs.get(id) : undefined
  if (!run) return fail(404, `run ${id.slice(0, 100)} not found`)
  let file: string | null = null
  const remove = () => file && rmSync(file, { force: true })
  try {
    file = join(ensureFolder(exportsDir(lab.info().dataDir), 'the exports folder'), `${randomUUID()}.json`)
    await lab.transfers.exportTo(run.id, file, 'json')
  } catch (err) {
    remove()
    return fail(500, `cannot export the run: ${(err as Error).message}`)
  }
  res.writeHead(200, {
    'content-type': 'application/json',
    'content-length': String(statSync(file).size),
    'content-disposition': attachment(run.name),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff'
  })
  const stream = createReadStream(file)
  stream.on('error', () => res.destroy())
  // Gone from the folder before the first byte leaves (POSIX keeps an open file readable), so a client that has
  // the whole download never finds it there; Windows cannot unlink an open file, so it goes when the response ends.
  if (process.platform !== 'win32') stream.on('open', remove)
  res.on('close', remove)
  stream.pipe(res)
}

export interface Served {
  server: Server
  port: number
  url: string
  close(): Promise<void>
}

function sameToken(a: string | undefined | null, token: string): boolean {
  if (!a) return false
  const x = Buffer.from(a)
  const y = Buffer.from(token)
  return x.length === y.length && timingSafeEqual(x, y)
}

/** The request target as a URL, or null when it does not parse (a throw here would kill the engine). */
function parseUrl(req: IncomingMessage): URL | null {
  try {
    return new URL(req.url ?? '/', 'http://127.0.0.1')
  } catch {
    return null
  }
}

/**
 * The token cookie's name, one per instance: cookies ignore ports, so a plain `lab_token` would be
 * overwritten by a second lab on another port of 127.0.0.1. (Any server on this host still receives the
 * cookie — a browser sends it to every port — which is why it is HttpOnly, SameSite=Strict and only a
 * convenience beside the token in the URL. `__Host-` needs HTTPS, which a loopback lab does not serve.)
 */
export const tokenCookieName = (port: number) => `lab_token_${port}`

function cookieToken(req: IncomingMessage, port: number): string | undefined {
  const name = tokenCookieName(port)
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim()
  }
  return undefined
}

export async function serve(lab: Lab, opts: ServeOptions): Promise<Served> {
  let port = opts.port
  const allowedHosts = () => [`127.0.0.1:${port}`, `localhost:${port}`]
  const allowedOrigins = () => allowedHosts().map((h) => `http://${h}`)

  // A browser sends Origin on cross-site requests; other clients (curl, the CLI) send none.
  const sameOrigin = (req: IncomingMessage) => req.headers.origin === undefined || allowedOrigins().includes(req.headers.origin)
  const authorised = (req: IncomingMessage, url: URL) =>
    allowedHosts().includes(req.headers.host ?? '') &&
    sameOrigin(req) &&
    (sameToken(url.searchParams.get('token'), opts.token) || sameToken(cookieToken(req, port), opts.token))

  const refuse = (res: ServerResponse, code: number, message: string) => {
    res.writeHead(code, { 'content-type': 'text/plain; charset=utf-8' })
    res.end(`${message}\n`)
  }

  const server = createServer((req, res) => {
    const url = parseUrl(req)
    if (!url) return refuse(res, 400, 'Bad request: malformed URL')
    if (!authorised(req, url)) return refuse(res, 403, 'Forbidden: open the lab with the URL printed at start-up (it carries the token).')
    if (url.pathname === '/upload') {
      if (req.method !== 'POST') return refuse(res, 405, 'Method not allowed: POST the file to /upload?name=<file name>')
      return receiveUpload(req, res, url, opts.uploadDir ?? uploadsDir(lab.info().dataDir), opts.uploadLimitBytes)
    }
    if (url.pathname === '/export/run') {
      if (req.method !== 'GET') return refuse(res, 405, 'Method not allowed: GET /export/run?id=<run id>')
      return void sendRunExport(lab, url.searchParams.get('id') ?? '', res)
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'Method not allowed')
    let pathname: string
    try {
      pathname = decodeURIComponent(url.pathname)
    } catch {
      // A malformed escape (e.g. "/%E0%A4%A") must not throw inside the request handler: that kills the engine.
      return refuse(res, 400, 'Bad request: malformed URL')
    }
    const rel = normalize(pathname).replace(/^([/\\])+/, '')
    const file = join(opts.rendererDir, rel === '' ? 'index.html' : rel)
    if (!file.startsWith(opts.rendererDir + sep) || !existsSync(file) || !statSync(file).isFile()) return refuse(res, 404, 'Not found')
    const headers: Record<string, string> = {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-cache'
    }
    if (extname(file) === '.html') {
      headers['content-security-policy'] = RENDERER_CSP
      headers['set-cookie'] = `${tokenCookieName(port)}=${opts.token}; HttpOnly; SameSite=Strict; Path=/`
    }
    res.writeHead(200, headers)
    if (req.method === 'HEAD') return res.end()
    createReadStream(file).pipe(res)
  })

  const wss = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 * 1024 })
  server.on('upgrade', (req, socket, head) => {
    // Node hands the raw socket over without an error listener: a client that resets the connection
    // (ECONNRESET while we answer 403) would otherwise crash the engine.
    socket.on('error', () => socket.destroy())
    const url = parseUrl(req)
    if (!url || url.pathname !== '/ws' || !authorised(req, url)) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n')
      return
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req))
  })

  wss.on('connection', (ws: WebSocket) => {
    // Bounded per client: a client that stops reading gets its events coalesced, then a reload (clientChannel.ts).
    const channel = new ClientChannel(ws)
    const send = (m: WireMessage) => channel.reply(m)
    const off = lab.on((event, payload) => channel.event(event, payload))
    ws.on('message', (data) => {
      let msg: unknown
      try {
        msg = JSON.parse(String(data))
      } catch {
        return send({ type: 'error', id: -1, error: { code: 'bad-request', message: 'message is not JSON' } })
      }
      void answer(lab, msg, send)
    })
    const end = () => {
      off()
      channel.dispose()
    }
    ws.on('close', end)
    ws.on('error', end)
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port, '127.0.0.1', () => resolve())
  })
  port = (server.address() as { port: number }).port
  return {
    server,
    port,
    url: `http://127.0.0.1:${port}/?token=${opts.token}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of wss.clients) c.terminate()
        wss.close()
        server.close(() => resolve())
        server.closeAllConnections()
      })
  }
}
