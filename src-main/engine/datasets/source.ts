/**
 * Reading an input file as a stream of chunks: gzip detected by its magic bytes (not the name), the
 * bytes read from disk counted for progress, and a sha256 of the file as stored for provenance.
 */
import { createHash } from 'node:crypto'
import { closeSync, createReadStream, openSync, readSync, statSync } from 'node:fs'
import { basename } from 'node:path'
import { createGunzip } from 'node:zlib'

/** A problem with the user's input: its message is shown as is. */
export class InputError extends Error {}

export interface SourceFile {
  path: string
  /** The path as messages and provenance show it: the path itself, or an upload's own file name. */
  shown: string
  name: string
  bytes: number
  gzip: boolean
}

export interface FileRecord {
  name: string
  path: string
  bytes: number
  sha256: string
  gzip: boolean
}

export function inspect(path: string, shown = path): SourceFile {
  let bytes: number
  try {
    const st = statSync(path)
    if (!st.isFile()) throw new InputError(`${shown} is not a file`)
    bytes = st.size
  } catch (err) {
    if (err instanceof InputError) throw err
    const code = (err as NodeJS.ErrnoException).code
    throw new InputError(`cannot read ${shown}: ${code === 'ENOENT' ? 'no such file' : (code ?? (err as Error).message)}`)
  }
  const head = Buffer.alloc(2)
  const fd = openSync(path, 'r')
  try {
    readSync(fd, head, 0, 2, 0)
  } finally {
    closeSync(fd)
  }
  return { path, shown, name: basename(shown), bytes, gzip: bytes >= 2 && head[0] === 0x1f && head[1] === 0x8b }
}

/** Counts bytes read from disk across the files of one job. */
export interface ByteCounter {
  add(n: number): void
}

/**
 * The file's (decompressed) bytes, chunk by chunk. `done()` after the loop gives the file's record
 * (sha256 of the bytes on disk).
 */
export function readChunks(file: SourceFile, counter: ByteCounter): { chunks: AsyncIterable<Buffer>; record: () => FileRecord } {
  const hash = createHash('sha256')
  const raw = createReadStream(file.path, { highWaterMark: 1 << 20 })
  raw.on('data', (c) => {
    hash.update(c as Buffer)
    counter.add((c as Buffer).length)
  })
  let digest: string | null = null
  const stream = file.gzip ? raw.pipe(createGunzip()) : raw
  if (file.gzip) raw.on('error', (e) => stream.destroy(e))
  async function* iterate(): AsyncGenerator<Buffer> {
    try {
      for await (const c of stream) yield c as Buffer
    } catch (err) {
      const e = err as NodeJS.ErrnoException
      if (file.gzip && (e.code?.startsWith('Z_') || /unexpected end of file/i.test(e.message))) {
        throw new InputError(`${file.name} is truncated or not valid gzip (${e.message})`)
      }
      throw new InputError(`cannot read ${file.name}: ${e.message}`)
    }
  }
  return {
    chunks: iterate(),
    record: () => {
      digest ??= hash.digest('hex')
      return { name: file.name, path: file.shown, bytes: file.bytes, sha256: digest, gzip: file.gzip }
    }
  }
}

/**
 * SQLite's largest BLOB (SQLITE_MAX_LENGTH, 10⁹ bytes by default): every dataset array is stored as one,
 * so no importer builds a larger one — each checks this before allocating.
 */
export const MAX_ARRAY_BYTES = 1_000_000_000

/** Deflate cannot expand data more than ≈ 1032 : 1, so a gzip file of n bytes never inflates past this. */
export const maxInflatedBytes = (gzipBytes: number) => gzipBytes * 1032 + 1024


/** A value from a file, quoted for a message and cut short: never more than a few words of someone's file. */
export function quoteShort(text: string, max = 40): string {
  return JSON.stringify(text.length > max ? `${text.slice(0, max)}…` : text)
}

type GrowableArray = Float32Array | Int32Array

/**
 * A growable typed array (CSV rows of unknown count) that refuses to grow past `maxLength` elements:
 * `push` returns false instead, and the caller says which line did it.
 */
export class Growable<T extends GrowableArray = Float32Array> {
  data: T
  length = 0
  constructor(
    private readonly make: (n: number) => T = ((n: number) => new Float32Array(n)) as unknown as (n: number) => T,
    readonly maxLength = Math.floor(MAX_ARRAY_BYTES / 4),
    initial = 1 << 16
  ) {
    this.data = make(Math.min(initial, maxLength))
  }
  push(v: number): boolean {
    if (this.length === this.data.length) {
      if (this.length >= this.maxLength) return false
      const next = this.make(Math.min(this.maxLength, this.data.length * 2))
      next.set(this.data as any)
      this.data = next
    }
    this.data[this.length++] = v
    return true
  }
  result(): T {
    return this.data.slice(0, this.length) as T
  }
}
