/**
 * Importers: IDX (MNIST, Fashion-MNIST, KMNIST layouts; plain or gzip), CSV and NPY. Each streams its
 * files, validates as it goes and refuses malformed input with an InputError whose message says what is
 * wrong. They only build arrays: storing them (all or nothing) is the job's last step.
 */
import { createHash } from 'node:crypto'
import { StringDecoder } from 'node:string_decoder'
import type { DatasetShape } from '../../../src-shared/datasets'
import { formatBytes } from '../../../src-shared/format'
import { Growable, InputError, MAX_ARRAY_BYTES, inspect, maxInflatedBytes, quoteShort, readChunks, type FileRecord, type SourceFile } from './source'

export const FASHION_MNIST_CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot']
/** sha256 of the decoded label bytes of Fashion-MNIST's official train and t10k label files. */
const FASHION_MNIST_LABEL_SHA256 = new Set([
  '657fbd221bfc9f4198cc14b5619cc33ec57c58dd0e47af4d99d6650759e869a7',
  '3d0e6c6ea990b53b6f8f500a41cac93881d981b315f84578b7d915342ade01e9'
])
export const KMNIST_CLASSES = ['o', 'ki', 'su', 'tsu', 'na', 'ha', 'ma', 'ya', 're', 'wo']
export const DIGIT_CLASSES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']
/** More classes than this is taken for a mistake (a regression target or an id column as labels). */
export const MAX_CLASSES = 10_000
/** numpy writes headers of a few hundred bytes (and reads at most 10 000 by default); more is a damaged file. */
export const MAX_NPY_HEADER_BYTES = 65_536
/** A CSV row longer than this is not a row of numbers (a file without line breaks, or not a CSV at all). */
export const MAX_CSV_LINE_CHARS = 16 * 1024 * 1024

/** What an import may build; the defaults are the store's limits (tests pass smaller ones). */
export interface ImportLimits {
  /** Bytes of one output array (x as uint8 or float32, y as int32). */
  maxArrayBytes: number
  maxCsvLineChars: number
}
export const IMPORT_LIMITS: ImportLimits = { maxArrayBytes: MAX_ARRAY_BYTES, maxCsvLineChars: MAX_CSV_LINE_CHARS }

export interface ImportOptions {
  paths: string[]
  name?: string
  format?: 'auto' | 'idx' | 'csv' | 'npy'
  labelColumn?: string | number
  header?: boolean
  classNames?: string[]
  /** How each path reads in messages and provenance (set by the engine: an upload shows its own file name). */
  shownAs?: string[]
}

export interface Imported {
  name: string
  x: Float32Array | Uint8Array
  y: Int32Array
  shape: DatasetShape
  classNames: string[] | null
  spec: Record<string, unknown>
  provenance: Record<string, unknown>
}

export type Progress = (fraction: number, message: string) => void

class Counter {
  read = 0
  constructor(
    private readonly total: number,
    private readonly progress: Progress,
    private readonly what: string
  ) {}
  add(n: number) {
    this.read += n
    this.progress(this.total > 0 ? Math.min(0.99, this.read / this.total) : 0, `${this.what}: ${(this.read / 1e6).toFixed(1)} of ${(this.total / 1e6).toFixed(1)} MB`)
  }
}

export function detectFormat(file: SourceFile, first: Buffer): 'idx' | 'csv' | 'npy' {
  const name = file.name.toLowerCase().replace(/\.gz$/, '')
  if (name.endsWith('.npy')) return 'npy'
  if (/\.(csv|tsv|txt)$/.test(name)) return 'csv'
  if (/idx\d|ubyte/.test(name)) return 'idx'
  if (!file.gzip) {
    if (first.subarray(0, 6).toString('latin1') === '\x93NUMPY') return 'npy'
    if (first.length >= 3 && first[0] === 0 && first[1] === 0 && first[2] === 0x08) return 'idx'
  }
  return 'csv'
}

async function firstBytes(path: string): Promise<Buffer> {
  const { open } = await import('node:fs/promises')
  const fh = await open(path, 'r')
  try {
    const b = Buffer.alloc(8)
    const { bytesRead } = await fh.read(b, 0, 8, 0)
    return b.subarray(0, bytesRead)
  } finally {
    await fh.close()
  }
}

export async function importFiles(opts: ImportOptions, progress: Progress, limits: ImportLimits = IMPORT_LIMITS): Promise<Imported> {
  const files = opts.paths.map((p, i) => inspect(p, opts.shownAs?.[i] ?? p))
  const heads = await Promise.all(files.map((f) => firstBytes(f.path)))
  let format = opts.format && opts.format !== 'auto' ? opts.format : detectFormat(files[0], heads[0])
  const total = files.reduce((a, f) => a + f.bytes, 0)
  const counter = new Counter(total, progress, `reading ${files.length === 1 ? files[0].name : `${files.length} files`}`)
  const started = Date.now()
  let r: Omit<Imported, 'name' | 'provenance' | 'spec'> & { records: FileRecord[]; details?: Record<string, unknown> }
  if (format === 'idx') r = await importIdx(files, counter, opts, limits)
  else if (format === 'npy') r = await importNpy(files, counter, opts, limits)
  else {
    format = 'csv'
    if (files.length !== 1) throw new InputError(`a CSV import takes one file (features and label column); got ${files.length}`)
    r = await importCsv(files[0], counter, opts, limits)
  }
  const name = opts.name ?? defaultName(files, typeof r.details?.layout === 'string' ? r.details.layout : null)
  return {
    name,
    x: r.x,
    y: r.y,
    shape: r.shape,
    classNames: r.classNames,
    spec: { format, files: files.map((f) => f.name), ...(opts.labelColumn !== undefined ? { labelColumn: opts.labelColumn } : {}), ...(r.details ?? {}) },
    provenance: { importedFrom: r.records, format, importSeconds: (Date.now() - started) / 1000, importedAt: new Date().toISOString() }
  }
}

/** A file's name without the `<uuid>-` prefix that serve-mode uploads carry. */
export function displayName(fileName: string): string {
  return fileName.replace(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}-/i, '')
}

function defaultName(files: SourceFile[], layout: string | null): string {
  const base = displayName(files[0].name).replace(/\.gz$/i, '').replace(/\.(csv|tsv|txt|npy)$/i, '')
  if (/idx\d|ubyte/.test(base)) {
    const family = layout && layout !== 'MNIST' ? layout : 'IDX'
    const part = /^t10k|test/i.test(base) ? 'test' : /^train/i.test(base) ? 'train' : base.replace(/-?(images|labels)?-?idx\d-ubyte/i, '')
    return `${family} ${part}`.trim()
  }
  return base
}

/** Class names and count from integer labels already checked to be ≥ 0. */
function classesOf(y: Int32Array, given: string[] | undefined, detected: string[] | null, source: string): { classes: number; classNames: string[] | null } {
  let max = -1
  let at = -1
  for (let i = 0; i < y.length; i++)
    if (y[i] > max) {
      max = y[i]
      at = i
    }
  if (given) {
    if (max >= given.length) throw new InputError(`labels out of range: ${source} has label ${max} (sample ${at}) but ${given.length} class names were given (labels 0 … ${given.length - 1})`)
    return { classes: given.length, classNames: given }
  }
  if (max + 1 > MAX_CLASSES) throw new InputError(`labels out of range: ${source} has label ${max} (sample ${at}); at most ${MAX_CLASSES} classes are supported`)
  if (detected && max < detected.length) return { classes: detected.length, classNames: detected }
  if (detected && max >= detected.length) throw new InputError(`labels out of range: ${source} has label ${max} (sample ${at}) but its layout has ${detected.length} classes (0 … ${detected.length - 1})`)
  return { classes: max + 1, classNames: null }
}

// ---------------------------------------------------------------------------------------------- IDX

const IDX_TYPES: Record<number, string> = { 0x08: 'unsigned byte', 0x09: 'signed byte', 0x0b: 'short', 0x0c: 'int', 0x0d: 'float', 0x0e: 'double' }

async function readIdx(file: SourceFile, counter: Counter, limits: ImportLimits): Promise<{ dims: number[]; data: Uint8Array; record: FileRecord }> {
  const { chunks, record } = readChunks(file, counter)
  let header = Buffer.alloc(0)
  let dims: number[] | null = null
  let data: Uint8Array | null = null
  let filled = 0
  let headerBytes = 0
  const parseHeader = (): boolean => {
    if (header.length < 4) return false
    if (header[0] !== 0 || header[1] !== 0) {
      throw new InputError(`${file.name}: wrong magic number 0x${header.subarray(0, 4).toString('hex')} — not an IDX file (an IDX file starts with two zero bytes, a type byte and the number of dimensions)`)
    }
    const type = header[2]
    if (type !== 0x08) throw new InputError(`${file.name}: unsupported IDX data type 0x${type.toString(16).padStart(2, '0')} (${IDX_TYPES[type] ?? 'unknown'}); images and labels must be unsigned bytes (0x08)`)
    const ndim = header[3]
    if (ndim < 1 || ndim > 4) throw new InputError(`${file.name}: an IDX file with ${ndim} dimensions is not images (3 or 4) or labels (1)`)
    headerBytes = 4 + 4 * ndim
    if (header.length < headerBytes) return false
    dims = []
    for (let i = 0; i < ndim; i++) dims.push(header.readUInt32BE(4 + 4 * i))
    const total = dims.reduce((a, b) => a * b, 1)
    // Both checks before allocating: the header alone must not make the lab reserve gigabytes. (Labels,
    // one dimension, are stored as int32: four bytes each.)
    if (total * (dims.length === 1 ? 4 : 1) > limits.maxArrayBytes) {
      throw new InputError(`${file.name}: the header announces ${dims.join(' × ')} = ${total} values, more than one dataset array holds (${formatBytes(limits.maxArrayBytes)})`)
    }
    if (file.gzip && headerBytes + total > maxInflatedBytes(file.bytes)) {
      throw new InputError(`${file.name}: the header announces ${dims.join(' × ')} values (${formatBytes(total)}), more than a ${formatBytes(file.bytes)} gzip file can hold; the header is wrong or the file is cut short`)
    }
    if (!file.gzip && file.bytes !== headerBytes + total) {
      if (file.bytes < headerBytes + total) {
        throw new InputError(`${file.name} is truncated: its header announces ${dims.join(' × ')} = ${total} bytes of data, the file holds ${file.bytes - headerBytes}`)
      }
      throw new InputError(`${file.name}: ${file.bytes - headerBytes - total} unexpected bytes after the ${dims.join(' × ')} values its header announces`)
    }
    data = new Uint8Array(total)
    const rest = header.subarray(headerBytes)
    take(rest)
    return true
  }
  const take = (b: Uint8Array) => {
    if (filled + b.length > data!.length) throw new InputError(`${file.name}: more data than the ${dims!.join(' × ')} values its header announces`)
    data!.set(b, filled)
    filled += b.length
  }
  for await (const c of chunks) {
    if (!data) {
      header = Buffer.concat([header, c])
      parseHeader()
    } else take(c)
  }
  if (!data) {
    throw new InputError(header.length < 4 ? `${file.name} is truncated: ${header.length} bytes, not even an IDX header` : `${file.name} is truncated inside its header`)
  }
  if (filled < (data as Uint8Array).length) {
    throw new InputError(`${file.name} is truncated: its header announces ${dims!.join(' × ')} = ${(data as Uint8Array).length} bytes of data, the file holds ${filled}`)
  }
  return { dims: dims!, data, record: record() }
}

async function importIdx(files: SourceFile[], counter: Counter, opts: ImportOptions, limits: ImportLimits) {
  if (files.length !== 2) throw new InputError(`an IDX import takes two files, the images (idx3) and the labels (idx1); got ${files.length}`)
  const parts = []
  for (const f of files) parts.push({ file: f, ...(await readIdx(f, counter, limits)) })
  const images = parts.filter((p) => p.dims.length >= 3)
  const labels = parts.filter((p) => p.dims.length === 1)
  if (images.length !== 1 || labels.length !== 1) {
    throw new InputError(`an IDX import needs one images file (3 or 4 dimensions) and one labels file (1 dimension); got ${parts.map((p) => `${p.file.name}: ${p.dims.length}-D`).join(', ')}`)
  }
  const img = images[0]
  const lab = labels[0]
  if (img.dims[0] !== lab.dims[0]) {
    throw new InputError(`images/labels count mismatch: ${img.file.name} holds ${img.dims[0]} images, ${lab.file.name} holds ${lab.dims[0]} labels`)
  }
  const y = Int32Array.from(lab.data)
  // Uploaded files lose their folder, so the official Fashion-MNIST label files are also known by content.
  const where = files.map((f) => f.shown.toLowerCase()).join(' ')
  const labelsHash = createHash('sha256').update(lab.data).digest('hex')
  const detected =
    where.includes('kmnist') ? KMNIST_CLASSES : where.includes('fashion') || FASHION_MNIST_LABEL_SHA256.has(labelsHash) ? FASHION_MNIST_CLASSES : null
  let { classes, classNames } = classesOf(y, opts.classNames, detected, lab.file.name)
  if (!classNames && classes <= 10) {
    classes = 10
    classNames = DIGIT_CLASSES
  }
  const [n, h, w, c = 1] = img.dims
  return {
    x: img.data,
    y,
    shape: { n, sample: [h, w, c], dtype: 'uint8' as const, task: 'classification' as const, classes, targets: 1 },
    classNames,
    records: [img.record, lab.record],
    details: { layout: detected === FASHION_MNIST_CLASSES ? 'Fashion-MNIST' : detected === KMNIST_CLASSES ? 'KMNIST' : 'MNIST' }
  }
}

// ---------------------------------------------------------------------------------------------- NPY

const NPY_DTYPES: Record<string, { size: number; float: boolean; read: (v: DataView, o: number) => number }> = {
  f4: { size: 4, float: true, read: (v, o) => v.getFloat32(o, true) },
  f8: { size: 8, float: true, read: (v, o) => v.getFloat64(o, true) },
  u1: { size: 1, float: false, read: (v, o) => v.getUint8(o) },
  i1: { size: 1, float: false, read: (v, o) => v.getInt8(o) },
  i2: { size: 2, float: false, read: (v, o) => v.getInt16(o, true) },
  i4: { size: 4, float: false, read: (v, o) => v.getInt32(o, true) },
  i8: { size: 8, float: false, read: (v, o) => Number(v.getBigInt64(o, true)) }
}

interface NpyArray {
  file: SourceFile
  shape: number[]
  dtype: string
  data: Float32Array | Uint8Array
  record: FileRecord
}

function parseNpyHeader(file: SourceFile, buf: Buffer): { headerBytes: number; shape: number[]; dtype: string } | null {
  if (buf.length < 10) return null
  if (buf.subarray(0, 6).toString('latin1') !== '\x93NUMPY') {
    throw new InputError(`${file.name}: wrong magic number — not an NPY file (an NPY file starts with "\\x93NUMPY")`)
  }
  const major = buf[6]
  if (major < 1 || major > 3) throw new InputError(`${file.name}: unsupported NPY format version ${major}.${buf[7]}`)
  const lenBytes = major === 1 ? 2 : 4
  if (buf.length < 8 + lenBytes) return null
  const hlen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8)
  if (hlen > MAX_NPY_HEADER_BYTES) {
    throw new InputError(`${file.name}: its header claims ${hlen} bytes; an NPY header takes a few hundred (at most ${MAX_NPY_HEADER_BYTES} here), so the file is damaged or not an NPY file`)
  }
  const headerBytes = 8 + lenBytes + hlen
  if (buf.length < headerBytes) return null
  const text = buf.subarray(8 + lenBytes, headerBytes).toString('latin1')
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(text)?.[1]
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text)?.[1]
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(text)?.[1]
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    // Say what is missing, not what is there: the header of a foreign file is not echoed back.
    const missing = [descr === undefined && "'descr'", fortran === undefined && "'fortran_order'", shapeText === undefined && "'shape'"].filter(Boolean).join(', ')
    throw new InputError(`${file.name}: malformed NPY header (no ${missing} entry)`)
  }
  if (fortran === 'True') throw new InputError(`${file.name} is in Fortran (column-major) order; save it in C order (numpy.ascontiguousarray) and import again`)
  const m = /^([<>|=])([a-zA-Z])(\d+)$/.exec(descr)
  const code = m ? `${m[2]}${m[3]}` : descr
  if (m && m[1] === '>' && Number(m[3]) > 1) throw new InputError(`${file.name}: big-endian dtype ${descr} is not supported (save it little-endian: arr.astype('<${code}'))`)
  if (!m || !Object.prototype.hasOwnProperty.call(NPY_DTYPES, code)) throw new InputError(`${file.name}: unsupported dtype ${quoteShort(descr, 20).slice(1, -1)}; supported: float32, float64, uint8, int8, int16, int32, int64`)
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map(Number)
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) throw new InputError(`${file.name}: malformed shape (${quoteShort(shapeText).slice(1, -1)}) in its header`)
  return { headerBytes, shape, dtype: code }
}

async function readNpy(file: SourceFile, counter: Counter, limits: ImportLimits): Promise<NpyArray> {
  const { chunks, record } = readChunks(file, counter)
  let head = Buffer.alloc(0)
  let meta: ReturnType<typeof parseNpyHeader> = null
  let out: Float32Array | Uint8Array | null = null
  let count = 0
  let pending = Buffer.alloc(0)
  let total = 0
  /** Decode whole values from `buf` into `out`; returns how many bytes were used. */
  const decode = (buf: Buffer): number => {
    const dt = NPY_DTYPES[meta!.dtype]
    const whole = Math.floor(buf.length / dt.size)
    if (count + whole > total) throw new InputError(`${file.name}: more data than the shape (${meta!.shape.join(', ')}) in its header announces`)
    if (meta!.dtype === 'u1') (out as Uint8Array).set(buf.subarray(0, whole), count)
    else {
      const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
      const o = out as Float32Array
      for (let i = 0; i < whole; i++) {
        const v = dt.read(view, i * dt.size)
        if (dt.float && !Number.isFinite(v)) {
          const at = count + i
          const cols = meta!.shape.length > 1 ? meta!.shape.slice(1).reduce((a, b) => a * b, 1) : 1
          throw new InputError(`${file.name} holds ${Number.isNaN(v) ? 'NaN' : v > 0 ? 'Inf' : '-Inf'} at row ${Math.floor(at / cols)}, column ${at % cols}: remove or impute non-finite values before importing`)
        }
        o[count + i] = v
      }
    }
    count += whole
    return whole * dt.size
  }
  // A value split across two chunks is completed from the few bytes kept in `pending` (never a copy of a whole chunk).
  const consume = (b: Buffer) => {
    const size = NPY_DTYPES[meta!.dtype].size
    if (pending.length) {
      const need = size - pending.length
      if (b.length < need) {
        pending = Buffer.concat([pending, b])
        return
      }
      decode(Buffer.concat([pending, b.subarray(0, need)]))
      b = b.subarray(need)
    }
    const used = decode(b)
    pending = Buffer.from(b.subarray(used))
  }
  for await (const c of chunks) {
    if (!meta) {
      // The header is at most MAX_NPY_HEADER_BYTES (checked as soon as its length is read): bounded copies.
      head = Buffer.concat([head, c])
      meta = parseNpyHeader(file, head)
      if (meta) {
        total = meta.shape.reduce((a, b) => a * b, 1)
        const size = NPY_DTYPES[meta.dtype].size
        const outBytes = total * (meta.dtype === 'u1' ? 1 : 4)
        // Everything the header claims is checked against the limits and the file before allocating.
        if (outBytes > limits.maxArrayBytes) {
          throw new InputError(`${file.name}: shape (${meta.shape.join(', ')}) holds ${total} values (${formatBytes(outBytes)} as ${meta.dtype === 'u1' ? 'uint8' : 'float32'}), more than one dataset array holds (${formatBytes(limits.maxArrayBytes)})`)
        }
        if (!file.gzip && file.bytes < meta.headerBytes + total * size) {
          throw new InputError(`${file.name} is truncated: shape (${meta.shape.join(', ')}) of ${meta.dtype} needs ${total * size} bytes of data, the file holds ${file.bytes - meta.headerBytes}`)
        }
        if (!file.gzip && file.bytes > meta.headerBytes + total * size) {
          throw new InputError(`${file.name}: ${file.bytes - meta.headerBytes - total * size} unexpected bytes after the data its shape (${meta.shape.join(', ')}) announces`)
        }
        if (file.gzip && meta.headerBytes + total * size > maxInflatedBytes(file.bytes)) {
          throw new InputError(`${file.name}: shape (${meta.shape.join(', ')}) needs ${formatBytes(total * size)} of data, more than a ${formatBytes(file.bytes)} gzip file can hold; the header is wrong or the file is cut short`)
        }
        out = meta.dtype === 'u1' ? new Uint8Array(total) : new Float32Array(total)
        consume(head.subarray(meta.headerBytes))
      }
    } else consume(c)
  }
  if (!meta) throw new InputError(head.length >= 6 && head.subarray(0, 6).toString('latin1') === '\x93NUMPY' ? `${file.name} is truncated inside its header` : `${file.name}: wrong magic number — not an NPY file`)
  if (count < total || pending.length) {
    throw new InputError(`${file.name} is truncated: shape (${meta.shape.join(', ')}) needs ${total} values, the file holds ${count}`)
  }
  return { file, shape: meta.shape, dtype: meta.dtype, data: out!, record: record() }
}

const LABEL_NAME = /(^|[^a-z])(y|labels?|targets?|classes)([^a-z]|$)/i

function labelsFrom(values: ArrayLike<number>, source: string): Int32Array {
  const y = new Int32Array(values.length)
  for (let i = 0; i < values.length; i++) {
    const v = values[i]
    if (!Number.isInteger(v) || v < 0) throw new InputError(`labels must be non-negative integers: ${source} has ${v} at index ${i}`)
    y[i] = v
  }
  return y
}

function sampleShape(shape: number[], source: string): number[] {
  if (shape.length === 2) return [shape[1]]
  if (shape.length === 3) return [shape[1], shape[2], 1]
  if (shape.length === 4) return [shape[1], shape[2], shape[3]]
  throw new InputError(`${source}: inputs must be 2-D (n × features), 3-D (n × H × W) or 4-D (n × H × W × C); got shape (${shape.join(', ')})`)
}

async function importNpy(files: SourceFile[], counter: Counter, opts: ImportOptions, limits: ImportLimits) {
  if (files.length > 2) throw new InputError(`an NPY import takes x.npy and y.npy, or one file with the labels in its last column; got ${files.length} files`)
  const arrays: NpyArray[] = []
  for (const f of files) arrays.push(await readNpy(f, counter, limits))
  let x: Float32Array | Uint8Array
  let yValues: ArrayLike<number>
  let sample: number[]
  let n: number
  let ySource: string
  if (arrays.length === 2) {
    const isLabels = (a: NpyArray) => a.shape.length === 1 || (a.shape.length === 2 && a.shape[1] === 1)
    let [a, b] = arrays
    if (isLabels(a) && !isLabels(b)) [a, b] = [b, a]
    else if (isLabels(a) === isLabels(b)) {
      if (LABEL_NAME.test(a.file.name.replace(/\.npy(\.gz)?$/i, '')) && !LABEL_NAME.test(b.file.name.replace(/\.npy(\.gz)?$/i, ''))) [a, b] = [b, a]
      else if (!isLabels(b)) throw new InputError(`cannot tell inputs from labels: ${a.file.name} (${a.shape.join(' × ')}) and ${b.file.name} (${b.shape.join(' × ')}); the labels must be 1-D (n) or n × 1`)
    }
    if (!isLabels(b)) throw new InputError(`${b.file.name}: labels must be 1-D (n) or n × 1, got shape (${b.shape.join(', ')})`)
    if (a.shape[0] !== b.shape[0]) throw new InputError(`inputs/labels count mismatch: ${a.file.name} holds ${a.shape[0]} samples, ${b.file.name} holds ${b.shape[0]} labels`)
    sample = sampleShape(a.shape, a.file.name)
    n = a.shape[0]
    x = a.data
    yValues = b.data
    ySource = b.file.name
  } else {
    const a = arrays[0]
    if (a.shape.length !== 2 || a.shape[1] < 2) throw new InputError(`${a.file.name}: a single NPY file must be n × (features + 1) with the labels in its last column; got shape (${a.shape.join(', ')})`)
    n = a.shape[0]
    const cols = a.shape[1]
    const d = cols - 1
    sample = [d]
    x = a.data instanceof Uint8Array ? new Uint8Array(n * d) : new Float32Array(n * d)
    const yv = new Float32Array(n)
    for (let i = 0; i < n; i++) {
      x.set(a.data.subarray(i * cols, i * cols + d), i * d)
      yv[i] = a.data[i * cols + d]
    }
    yValues = yv
    ySource = `${a.file.name} (last column)`
  }
  if (n === 0) throw new InputError('the arrays hold no samples')
  const y = labelsFrom(yValues, ySource)
  const { classes, classNames } = classesOf(y, opts.classNames, null, ySource)
  return {
    x,
    y,
    shape: { n, sample, dtype: x instanceof Uint8Array ? ('uint8' as const) : ('float32' as const), task: 'classification' as const, classes, targets: 1 },
    classNames,
    records: arrays.map((a) => a.record),
    details: { dtypes: arrays.map((a) => a.dtype) }
  }
}

// ---------------------------------------------------------------------------------------------- CSV

function splitLine(line: string, delim: string): string[] {
  if (!line.includes('"')) return line.split(delim)
  const out: string[] = []
  let cur = ''
  let quoted = false
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]
    if (quoted) {
      if (ch === '"') {
        if (line[i + 1] === '"') {
          cur += '"'
          i++
        } else quoted = false
      } else cur += ch
    } else if (ch === '"') quoted = true
    else if (ch === delim) {
      out.push(cur)
      cur = ''
    } else cur += ch
  }
  out.push(cur)
  return out
}

const isNumeric = (s: string) => s.trim() !== '' && Number.isFinite(Number(s))
const NON_FINITE = /^[+-]?(nan|inf|infinity)$/i

/**
 * The lines of a text stream (`\n` or `\r\n`), decoded as UTF-8 across chunk boundaries. A line longer
 * than MAX_CSV_LINE_CHARS is refused as soon as it is that long, so a file without line breaks (or a
 * gzip bomb of one) never becomes one giant string.
 */
async function* textLines(chunks: AsyncIterable<Buffer>, name: string, maxChars: number): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8')
  let rest = ''
  let lineNo = 1
  const tooLong = () => new InputError(`${name} line ${lineNo} is longer than ${maxChars} characters: not a CSV of numbers (a file without line breaks?)`)
  for await (const chunk of chunks) {
    const text = rest + decoder.write(chunk)
    let from = 0
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', from)) {
      if (nl - from > maxChars) throw tooLong()
      yield text.charCodeAt(nl - 1) === 13 && nl > from ? text.slice(from, nl - 1) : text.slice(from, nl)
      lineNo++
      from = nl + 1
    }
    rest = text.slice(from)
    if (rest.length > maxChars) throw tooLong()
  }
  rest += decoder.end()
  if (rest !== '') yield rest.endsWith('\r') ? rest.slice(0, -1) : rest
}

async function importCsv(file: SourceFile, counter: Counter, opts: ImportOptions, limits: ImportLimits) {
  const { chunks, record } = readChunks(file, counter)
  const lines = textLines(chunks, file.name, limits.maxCsvLineChars)
  let delim = ','
  let lineNo = 0
  let first: { fields: string[]; line: number } | null = null
  let columns = null as string[] | null
  let ncols = 0
  let labelIdx = -1
  let labelMode = null as 'numeric' | 'names' | null
  const names = new Map<string, number>()
  // Capped before they grow: one dataset array holds at most MAX_ARRAY_BYTES (a gzipped CSV can inflate to anything).
  const x = new Growable<Float32Array>((n) => new Float32Array(n), Math.floor(limits.maxArrayBytes / 4))
  const labels = new Growable<Int32Array>((n) => new Int32Array(n), Math.floor(limits.maxArrayBytes / 4))
  const full = (line: number, what: string) =>
    new InputError(`${file.name} line ${line}: more ${what} than one dataset array holds (${formatBytes(limits.maxArrayBytes)}, ${x.maxLength} values); import a part of the file`)
  let rows = 0

  const setup = (fields: string[], second: string[] | null) => {
    ncols = fields.length
    let header = opts.header
    if (header === undefined) {
      const nonNum = (f: string[]) => f.filter((s) => !isNumeric(s)).length
      header = nonNum(fields) > 0 && (second === null ? nonNum(fields) === fields.length : nonNum(fields) > nonNum(second))
    }
    if (header) columns = fields.map((s) => s.trim())
    if (typeof opts.labelColumn === 'string') {
      if (!columns) {
        if (/^\d+$/.test(opts.labelColumn)) labelIdx = Number(opts.labelColumn)
        else throw new InputError(`label column "${opts.labelColumn}" is given by name but ${file.name} has no header row`)
      } else {
        labelIdx = columns.indexOf(opts.labelColumn.trim())
        if (labelIdx < 0 && /^\d+$/.test(opts.labelColumn)) labelIdx = Number(opts.labelColumn)
        if (labelIdx < 0) throw new InputError(`${file.name} has no column "${opts.labelColumn}"; its columns: ${columns.slice(0, 20).map((c) => quoteShort(c).slice(1, -1)).join(', ')}${columns.length > 20 ? ', …' : ''}`)
      }
    } else labelIdx = opts.labelColumn ?? ncols - 1
    if (labelIdx >= ncols) throw new InputError(`label column ${labelIdx} does not exist: ${file.name} has ${ncols} columns (0 … ${ncols - 1})`)
    if (ncols < 2) throw new InputError(`${file.name} needs at least one feature column besides the label; its rows have ${ncols} field`)
    return header
  }

  const row = (fields: string[], line: number) => {
    if (fields.length !== ncols) throw new InputError(`${file.name} line ${line}: ragged row with ${fields.length} fields, expected ${ncols} like the first row`)
    for (let c = 0; c < ncols; c++) {
      const s = fields[c].trim()
      if (c === labelIdx) {
        const numeric = isNumeric(s)
        labelMode ??= numeric ? 'numeric' : 'names'
        if (labelMode === 'numeric') {
          if (!numeric) throw new InputError(`${file.name} line ${line}: label ${quoteShort(s)} is not a number (the labels above it are numbers)`)
          const v = Number(s)
          if (!Number.isInteger(v) || v < 0 || v > 2 ** 31 - 1) throw new InputError(`labels must be non-negative integers: ${file.name} line ${line} has label ${quoteShort(s).slice(1, -1)}`)
          if (!labels.push(v)) throw full(line, 'rows')
        } else {
          if (s === '') throw new InputError(`${file.name} line ${line}: empty label`)
          let k = names.get(s)
          if (k === undefined) names.set(s, (k = names.size))
          if (!labels.push(k)) throw full(line, 'rows')
        }
        continue
      }
      const v = Number(s)
      if (s === '' || !Number.isFinite(v)) {
        const col = columns ? `column ${quoteShort(columns[c])}` : `column ${c}`
        if (s === '') throw new InputError(`${file.name} line ${line}, ${col}: empty value`)
        if (NON_FINITE.test(s) || Number.isNaN(v) === false) throw new InputError(`${file.name} line ${line}, ${col}: ${s.slice(0, 40)} (NaN/Inf values are not allowed)`)
        throw new InputError(`${file.name} line ${line}, ${col}: ${quoteShort(s)} is not a number`)
      }
      if (!x.push(v)) throw full(line, 'values')
    }
    rows++
  }

  for await (const raw of lines) {
    lineNo++
    const line = raw.replace(/^\uFEFF/, '')
    if (line.trim() === '') continue
    if (!first) {
      const counts = [',', ';', '\t'].map((d) => line.split(d).length - 1)
      delim = [',', ';', '\t'][counts.indexOf(Math.max(...counts))]
      first = { fields: splitLine(line, delim), line: lineNo }
      continue
    }
    const fields = splitLine(line, delim)
    if (ncols === 0) {
      if (!setup(first.fields, fields)) row(first.fields, first.line)
    }
    row(fields, lineNo)
  }
  if (first && ncols === 0) {
    if (!setup(first.fields, null)) row(first.fields, first.line)
  }
  if (rows === 0) throw new InputError(`${file.name} holds no data rows`)
  const y = labels.result()
  const detectedNames = labelMode === 'names' ? [...names.keys()] : null
  const { classes, classNames } = classesOf(y, opts.classNames, detectedNames, `${file.name} (label column ${columns ? `"${columns[labelIdx]}"` : labelIdx})`)
  const features = columns ? columns.filter((_, i) => i !== labelIdx) : null
  return {
    x: x.result(),
    y,
    shape: { n: rows, sample: [ncols - 1], dtype: 'float32' as const, task: 'classification' as const, classes, targets: 1 },
    classNames,
    records: [record()],
    details: { header: !!columns, delimiter: delim, labelColumnIndex: labelIdx, ...(features ? { features: features.slice(0, 4096) } : {}) }
  }
}
