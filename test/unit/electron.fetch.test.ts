/**
 * Fetching Electron's binary on the first `npm start` (src-main/electron/electronFetch.ts), against a
 * local HTTP server standing in for GitHub's release downloads (ELECTRON_MIRROR): a cut download keeps what
 * arrived and the next attempt asks for the rest; a silent one is given up on; then electron's own
 * install.js (the real one) finds the zip in the cache, checks it and unpacks it.
 */
import { createHash, randomBytes } from 'node:crypto'
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { crc32 } from 'node:zlib'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { DownloadInterrupted, ResumableDownloader, fetchElectron, progressLine } from '../../src-main/electron/electronFetch'
import { electronBinary } from '../../src-main/electron/launcher'
import { ROOT, cleanupTempDirs, tempDir } from './helpers'

afterAll(cleanupTempDirs)

type Behaviour = (req: IncomingMessage, res: ServerResponse, body: Buffer) => void

/** Serves `body` at any path; each request takes the next behaviour (the last one repeats). */
async function serveFile(body: Buffer, behaviours: Behaviour[]) {
  const requests: { url: string; range: string | null }[] = []
  const server: Server = createServer((req, res) => {
    requests.push({ url: req.url ?? '', range: req.headers.range ?? null })
    behaviours[Math.min(requests.length - 1, behaviours.length - 1)](req, res, body)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
  servers.push(server)
  return { base, requests }
}
const servers: Server[] = []
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections()
    await new Promise((r) => s.close(r))
  }
})

/**
 * Sends the first `n` bytes of a full response, then closes the connection. (fetch drops what it had
 * queued but not yet handed out when a body errors, so how much of `n` lands on disk varies a little.)
 */
const cutAfter =
  (n: number): Behaviour =>
  (_req, res, body) => {
    res.writeHead(200, { 'content-length': body.length })
    res.write(body.subarray(0, n), () => setTimeout(() => res.socket?.end(), 200))
  }
/** Honours `Range: bytes=N-` with a 206. */
const ranged: Behaviour = (req, res, body) => {
  const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '')
  if (!m) {
    res.writeHead(200, { 'content-length': body.length })
    res.end(body)
    return
  }
  const from = Number(m[1])
  res.writeHead(206, { 'content-length': body.length - from, 'content-range': `bytes ${from}-${body.length - 1}/${body.length}` })
  res.end(body.subarray(from))
}
/** Ignores Range: the whole file again. */
const whole: Behaviour = (_req, res, body) => {
  res.writeHead(200, { 'content-length': body.length })
  res.end(body)
}
/** Headers and a little data, then silence. */
const stallAfter =
  (n: number): Behaviour =>
  (_req, res, body) => {
    res.writeHead(200, { 'content-length': body.length })
    res.write(body.subarray(0, n))
  }

describe('ResumableDownloader', () => {
  const body = randomBytes(300_000)

  it('resumes a cut download from where it stopped (HTTP Range) and delivers the exact file', async () => {
    const { base, requests } = await serveFile(body, [cutAfter(120_000), ranged])
    const dir = tempDir()
    const d = new ResumableDownloader({ partialDir: join(dir, 'partial'), idleTimeoutMs: 5000 })
    const target = join(dir, 'file.zip')
    const first = await d.download(`${base}v1/file.zip`, target).catch((e) => e)
    expect(first).toBeInstanceOf(DownloadInterrupted)
    expect(first.kept).toBeGreaterThan(0)
    expect(first.kept).toBeLessThanOrEqual(120_000)
    expect(statSync(d.partialPath(`${base}v1/file.zip`)).size).toBe(first.kept) // what it reports is what is on disk
    expect(first.total).toBe(300_000)
    expect(existsSync(target)).toBe(false)
    await d.download(`${base}v1/file.zip`, target)
    expect(requests.map((r) => r.range)).toEqual([null, `bytes=${first.kept}-`])
    expect(readFileSync(target).equals(body)).toBe(true)
    expect(existsSync(d.partialPath(`${base}v1/file.zip`))).toBe(false)
  })

  it('starts over when the server ignores the range', async () => {
    const { base, requests } = await serveFile(body, [cutAfter(50_000), whole])
    const dir = tempDir()
    const d = new ResumableDownloader({ partialDir: join(dir, 'partial'), idleTimeoutMs: 5000 })
    const first = await d.download(`${base}f.zip`, join(dir, 'f.zip')).catch((e) => e)
    expect(first.kept).toBeGreaterThan(0)
    await d.download(`${base}f.zip`, join(dir, 'f.zip'))
    expect(requests[1].range).toBe(`bytes=${first.kept}-`)
    expect(readFileSync(join(dir, 'f.zip')).equals(body)).toBe(true)
  })

  it('gives up on silence (not on a slow but moving download) and keeps what arrived', async () => {
    const { base } = await serveFile(body, [stallAfter(10_000)])
    const dir = tempDir()
    const progress: number[] = []
    const d = new ResumableDownloader({ partialDir: join(dir, 'partial'), idleTimeoutMs: 1000, onProgress: (p) => progress.push(p.transferred) })
    const err = await d.download(`${base}f.zip`, join(dir, 'f.zip')).catch((e) => e)
    expect(err).toBeInstanceOf(DownloadInterrupted)
    expect(err.message).toBe('no data for 1 s')
    expect(err.kept).toBe(10_000)
    expect(statSync(d.partialPath(`${base}f.zip`)).size).toBe(10_000)
    expect(progress.at(-1)).toBe(10_000)
  })

  it('reports progress as a line with the share, the rate and the time left', () => {
    expect(progressLine({ version: '45.4.1', transferred: 40e6, total: 100e6, thisAttempt: 20e6, startedAt: 0 }, 10_000)).toBe(
      'Fetching Electron 45.4.1: 40 % of 100 MB, 2.0 MB/s, about 30.0 s left'
    )
    // A slow link: the time left in minutes, as everywhere else in the lab.
    expect(progressLine({ version: '45.4.1', transferred: 10e6, total: 100e6, thisAttempt: 1e6, startedAt: 0 }, 10_000)).toBe(
      'Fetching Electron 45.4.1: 10 % of 100 MB, 0.1 MB/s, about 15 min 00 s left'
    )
  })
})

/** A zip (stored, no compression) holding `files`, with Unix modes. */
function zip(files: Record<string, { data: Buffer; mode: number }>): Buffer {
  const locals: Buffer[] = []
  const centrals: Buffer[] = []
  let offset = 0
  for (const [name, { data, mode }] of Object.entries(files)) {
    const n = Buffer.from(name)
    const crc = crc32(data)
    const local = Buffer.alloc(30)
    local.writeUInt32LE(0x04034b50, 0)
    local.writeUInt16LE(20, 4)
    local.writeUInt32LE(crc, 14)
    local.writeUInt32LE(data.length, 18)
    local.writeUInt32LE(data.length, 22)
    local.writeUInt16LE(n.length, 26)
    const central = Buffer.alloc(46)
    central.writeUInt32LE(0x02014b50, 0)
    central.writeUInt16LE((3 << 8) | 20, 4) // made by Unix
    central.writeUInt16LE(20, 6)
    central.writeUInt32LE(crc, 16)
    central.writeUInt32LE(data.length, 20)
    central.writeUInt32LE(data.length, 24)
    central.writeUInt16LE(n.length, 28)
    central.writeUInt32LE(((0o100000 | mode) << 16) >>> 0, 38)
    central.writeUInt32LE(offset, 42)
    locals.push(local, n, data)
    centrals.push(central, n)
    offset += 30 + n.length + data.length
  }
  const cd = Buffer.concat(centrals)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(Object.keys(files).length, 8)
  end.writeUInt16LE(Object.keys(files).length, 10)
  end.writeUInt32LE(cd.length, 12)
  end.writeUInt32LE(offset, 16)
  return Buffer.concat([...locals, cd, end])
}

describe('fetchElectron (through @electron/get and electron\'s own install.js)', () => {
  it('a cut download is resumed by the next start, checked against checksums.json and unpacked where npm start looks', async () => {
    // A checkout with an electron package whose release zip the local server hands out.
    const root = tempDir('lab-checkout-')
    const electronDir = join(root, 'node_modules', 'electron')
    mkdirSync(join(root, 'node_modules', '@electron'), { recursive: true })
    mkdirSync(join(root, 'node_modules', '@electron-internal'), { recursive: true })
    mkdirSync(electronDir)
    copyFileSync(join(ROOT, 'node_modules', 'electron', 'install.js'), join(electronDir, 'install.js'))
    symlinkSync(join(ROOT, 'node_modules', '@electron', 'get'), join(root, 'node_modules', '@electron', 'get'))
    symlinkSync(join(ROOT, 'node_modules', '@electron-internal', 'extract-zip'), join(root, 'node_modules', '@electron-internal', 'extract-zip'))
    const version = '45.4.1'
    const fileName = `electron-v${version}-${process.platform}-${process.arch}.zip`
    const release = zip({ electron: { data: Buffer.concat([Buffer.from('#!/bin/sh\n'), randomBytes(400_000)]), mode: 0o755 }, version: { data: Buffer.from(version), mode: 0o644 } })
    writeFileSync(join(electronDir, 'package.json'), JSON.stringify({ name: 'electron', version }))
    writeFileSync(join(electronDir, 'checksums.json'), JSON.stringify({ [fileName]: createHash('sha256').update(release).digest('hex') }))

    const { base, requests } = await serveFile(release, [cutAfter(150_000), ranged])
    const cache = tempDir('lab-electron-cache-')
    const env = { ...process.env, ELECTRON_MIRROR: base, electron_config_cache: cache, ELECTRON_GET_NO_PROGRESS: '1' }
    const saved = { mirror: process.env.ELECTRON_MIRROR }
    process.env.ELECTRON_MIRROR = base // @electron/get reads the mirror from the environment
    try {
      const first = await fetchElectron({ electronDir, env, idleTimeoutMs: 5000 })
      expect(first).toMatch(/^its download stopped \(the connection was cut: .+\); 0\.\d MB of 0\.4 MB is kept and the next npm start resumes it$/)
      expect(electronBinary(root, {})).toBeNull()

      const second = await fetchElectron({ electronDir, env, idleTimeoutMs: 5000 })
      expect(second).toBeNull()
      expect(requests.map((r) => r.url)).toEqual([`/v${version}/${fileName}`, `/v${version}/${fileName}`])
      expect(requests[0].range).toBeNull()
      expect(requests[1].range).toMatch(/^bytes=[1-9]\d*-$/) // resumed, not restarted
      // install.js unpacked it and wrote path.txt: the launcher finds the binary.
      const bin = electronBinary(root, {})
      expect(bin).toBe(join(electronDir, 'dist', 'electron'))
      expect(readFileSync(bin!).subarray(0, 10).toString()).toBe('#!/bin/sh\n')
    } finally {
      if (saved.mirror === undefined) delete process.env.ELECTRON_MIRROR
      else process.env.ELECTRON_MIRROR = saved.mirror
    }
  })

  it('a download that does not match checksums.json is refused', async () => {
    const root = tempDir('lab-checkout-')
    const electronDir = join(root, 'node_modules', 'electron')
    mkdirSync(join(root, 'node_modules', '@electron'), { recursive: true })
    mkdirSync(electronDir)
    copyFileSync(join(ROOT, 'node_modules', 'electron', 'install.js'), join(electronDir, 'install.js'))
    symlinkSync(join(ROOT, 'node_modules', '@electron', 'get'), join(root, 'node_modules', '@electron', 'get'))
    const fileName = `electron-v45.4.1-${process.platform}-${process.arch}.zip`
    writeFileSync(join(electronDir, 'package.json'), JSON.stringify({ name: 'electron', version: '45.4.1' }))
    writeFileSync(join(electronDir, 'checksums.json'), JSON.stringify({ [fileName]: '0'.repeat(64) }))
    const { base } = await serveFile(randomBytes(1000), [whole])
    const saved = process.env.ELECTRON_MIRROR
    process.env.ELECTRON_MIRROR = base
    try {
      const reason = await fetchElectron({ electronDir, env: { ...process.env, electron_config_cache: tempDir() }, idleTimeoutMs: 5000 })
      expect(reason).toMatch(/^its download failed \(.*checksum/i)
      expect(electronBinary(root, {})).toBeNull()
    } finally {
      if (saved === undefined) delete process.env.ELECTRON_MIRROR
      else process.env.ELECTRON_MIRROR = saved
    }
  })
})
