/**
 * Fetching Electron's binary on the first `npm start` (its install script is denied in allowScripts, so
 * `npm install` never downloads it). The download goes through Electron's own @electron/get — same URL,
 * mirrors, proxy settings, cache and checksums as electron's install script — with a downloader that
 * resumes: a cut or stalled download keeps what arrived and the next `npm start` asks for the rest (HTTP
 * Range). It gives up only when no data arrives for a while, never because a slow link takes long.
 * Then electron's install.js finds the zip in the cache and unpacks it.
 */
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { copyFileSync, createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { homedir } from 'node:os'
import { basename, join } from 'node:path'
import { once } from 'node:events'
import { Readable } from 'node:stream'
import { pathToFileURL } from 'node:url'
import { formatDuration } from '../../src-shared/format'

export interface DownloadProgress {
  /** Bytes on disk so far, resumed ones included. */
  transferred: number
  total: number | null
  /** Bytes of this attempt, and since when: for a rate that resumed bytes do not inflate. */
  thisAttempt: number
  startedAt: number
}

export interface ResumableDownloaderOptions {
  /** Where partial downloads wait for the next attempt. */
  partialDir: string
  /** Give up when no data arrives for this long (ms). */
  idleTimeoutMs: number
  onProgress?: (p: DownloadProgress) => void
}

/** Thrown when a download stops before the end; what arrived is kept for the next attempt. */
export class DownloadInterrupted extends Error {
  constructor(
    message: string,
    readonly kept: number,
    readonly total: number | null
  ) {
    super(message)
    this.name = 'DownloadInterrupted'
  }
}

const CONTENT_RANGE = /^bytes (\d+)-(\d+)\/(\d+|\*)$/

/** An @electron/get `Downloader` that resumes partial downloads and times out on silence only. */
export class ResumableDownloader {
  constructor(private readonly opts: ResumableDownloaderOptions) {}

  partialPath(url: string): string {
    const name = basename(new URL(url).pathname) || 'download'
    return join(this.opts.partialDir, `${createHash('sha256').update(url).digest('hex').slice(0, 16)}-${name}.partial`)
  }

  async download(url: string, targetFilePath: string): Promise<void> {
    mkdirSync(this.opts.partialDir, { recursive: true })
    const partial = this.partialPath(url)
    const have = existsSync(partial) ? statSync(partial).size : 0
    const idle = new AbortController()
    let timer: ReturnType<typeof setTimeout> | null = null
    const arm = () => {
      if (timer) clearTimeout(timer)
      timer = setTimeout(() => idle.abort(new Error(`no data for ${Math.round(this.opts.idleTimeoutMs / 100) / 10} s`)), this.opts.idleTimeoutMs)
    }
    arm()
    let kept = have
    let total: number | null = null
    try {
      let res = await fetch(url, { headers: have ? { Range: `bytes=${have}-` } : {}, signal: idle.signal })
      let offset = 0
      if (res.status === 206) {
        const m = CONTENT_RANGE.exec(res.headers.get('content-range') ?? '')
        if (m && Number(m[1]) === have) {
          offset = have
          total = m[3] === '*' ? null : Number(m[3])
        } else {
          // A range we did not ask for: start over rather than splice wrong bytes.
          await res.body?.cancel()
          res = await fetch(url, { signal: idle.signal })
        }
      } else if (res.status === 416 && have) {
        // The partial is as long as (or longer than) the file: start over, the checksum decides anyway.
        await res.body?.cancel()
        res = await fetch(url, { signal: idle.signal })
      }
      if (!res.ok) throw new Error(`HTTP ${res.status} ${res.statusText} for ${url}`)
      if (!res.body) throw new Error(`empty response for ${url}`)
      if (offset === 0) {
        const length = res.headers.get('content-length')
        total = length ? Number(length) : null
      }
      kept = offset
      const startedAt = Date.now()
      let thisAttempt = 0
      // Written chunk by chunk and closed on any error, so that every byte received is on disk for the
      // next attempt (a pipeline would destroy the file stream and drop its buffered writes).
      const file = createWriteStream(partial, { flags: offset ? 'a' : 'w' })
      const closed = new Promise<void>((resolve, reject) => {
        file.once('close', resolve)
        file.once('error', reject)
      })
      try {
        for await (const chunk of Readable.fromWeb(res.body as never) as AsyncIterable<Buffer>) {
          arm()
          kept += chunk.length
          thisAttempt += chunk.length
          this.opts.onProgress?.({ transferred: kept, total, thisAttempt, startedAt })
          if (!file.write(chunk)) await once(file, 'drain')
        }
      } finally {
        file.end()
        await closed
      }
      if (total !== null && kept !== total) throw new Error(`the connection closed after ${kept} of ${total} bytes`)
    } catch (err) {
      const why = idle.signal.aborted ? (idle.signal.reason as Error).message : describeNetworkError(err)
      throw new DownloadInterrupted(why, existsSync(partial) ? statSync(partial).size : kept, total)
    } finally {
      if (timer) clearTimeout(timer)
    }
    moveFile(partial, targetFilePath)
  }
}

function moveFile(from: string, to: string): void {
  try {
    renameSync(from, to)
  } catch {
    copyFileSync(from, to) // another file system (the partial dir and @electron/get's temp dir)
    rmSync(from, { force: true })
  }
}

/** fetch's "fetch failed" hides the reason in `cause`. */
function describeNetworkError(err: unknown): string {
  const e = err as { message?: string; cause?: { code?: string; message?: string } }
  const cause = e?.cause
  if (cause?.code === 'UND_ERR_SOCKET') return `the connection was cut: ${cause.message}`
  if (cause?.code || cause?.message) return `${cause.message ?? cause.code}`
  return e?.message ?? String(err)
}

/** @electron/get's cache folder (electron's install script looks there first), where partials wait too. */
function electronCacheRoot(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.electron_config_cache) return env.electron_config_cache
  if (platform === 'darwin') return join(homedir(), 'Library', 'Caches', 'electron')
  if (platform === 'win32') return join(env.LOCALAPPDATA ?? join(homedir(), 'AppData', 'Local'), 'electron', 'Cache')
  return join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'electron')
}

export interface FetchElectronOptions {
  /** node_modules/electron */
  electronDir: string
  env?: NodeJS.ProcessEnv
  idleTimeoutMs: number
  onProgress?: (p: DownloadProgress & { version: string }) => void
}

/** Download and unpack Electron's binary; returns null when it is in place, else why it is not. */
export async function fetchElectron(o: FetchElectronOptions): Promise<string | null> {
  const env = o.env ?? process.env
  const install = join(o.electronDir, 'install.js')
  if (!existsSync(install)) return 'the electron package is not installed'
  const [major, minor] = process.versions.node.split('.').map(Number)
  // install.js require()s @electron/get, an ES module: Node 20.19+ (or 22.12+) does that without a flag.
  if (major < 20 || (major === 20 && minor < 19) || (major === 22 && minor < 12) || major === 21) {
    return `fetching it needs Node.js 20.19+ or 22.12+ (this is ${process.version})`
  }
  const { version } = JSON.parse(readFileSync(join(o.electronDir, 'package.json'), 'utf8')) as { version: string }
  const checksums =
    env.electron_use_remote_checksums || env.npm_config_electron_use_remote_checksums ? undefined : JSON.parse(readFileSync(join(o.electronDir, 'checksums.json'), 'utf8'))
  const cacheRoot = electronCacheRoot(env)
  try {
    const getPath = createRequire(join(o.electronDir, 'package.json')).resolve('@electron/get')
    const { downloadArtifact } = (await import(pathToFileURL(getPath).href)) as { downloadArtifact: (d: Record<string, unknown>) => Promise<string> }
    await downloadArtifact({
      version,
      artifactName: 'electron',
      platform: env.ELECTRON_INSTALL_PLATFORM || env.npm_config_platform || process.platform,
      arch: env.ELECTRON_INSTALL_ARCH || env.npm_config_arch || process.arch,
      checksums,
      cacheRoot: env.electron_config_cache,
      downloader: new ResumableDownloader({
        partialDir: join(cacheRoot, 'partial'),
        idleTimeoutMs: o.idleTimeoutMs,
        onProgress: (p) => o.onProgress?.({ ...p, version })
      })
    })
  } catch (err) {
    if (err instanceof DownloadInterrupted && err.kept > 0) {
      return `its download stopped (${err.message}); ${formatMB(err.kept)}${err.total ? ` of ${formatMB(err.total)}` : ''} is kept and the next npm start resumes it`
    }
    if (err instanceof DownloadInterrupted) return `its download failed (${err.message})`
    return `its download failed (${describeNetworkError(err).split('\n')[0].slice(0, 200)})`
  }
  // install.js finds the zip in the cache, checks it against checksums.json and unpacks it.
  const r = spawnSync(process.execPath, [install], { cwd: o.electronDir, env, encoding: 'utf8', timeout: 5 * 60_000 })
  if (r.error || r.status !== 0) {
    const line = `${r.stderr ?? ''}${r.stdout ?? ''}`.split('\n').find((l) => /error|fail/i.test(l))
    return `its download could not be unpacked${line ? ` (${line.trim().slice(0, 200)})` : r.error ? ` (${r.error.message})` : ''}`
  }
  return null
}

function formatMB(bytes: number): string {
  return `${(bytes / 1e6).toFixed(bytes < 10e6 ? 1 : 0)} MB`
}

/** "Fetching Electron 45.4.1: 40 % of 112 MB, 2.3 MB/s, about 29.0 s left" ("about 12 min 05 s left" on a slow link). */
export function progressLine(p: DownloadProgress & { version: string }, now = Date.now()): string {
  const seconds = (now - p.startedAt) / 1000
  const rate = seconds > 0.5 ? p.thisAttempt / seconds : null
  const of = p.total ? `${Math.floor((100 * p.transferred) / p.total)} % of ${formatMB(p.total)}` : formatMB(p.transferred)
  const eta = rate && p.total ? `, about ${formatDuration(Math.max(0, Math.round((p.total - p.transferred) / rate)))} left` : ''
  return `Fetching Electron ${p.version}: ${of}${rate ? `, ${formatMB(rate)}/s` : ''}${eta}`
}
