/**
 * A run as a portable document (src-shared/runExport.ts) and back: export from the store, write it as one
 * JSON file or as a folder (run.json + scalars.csv + series.jsonl + artifacts/), read either form with
 * messages that say what is wrong and where, and import it as a new run.
 *
 * Size is not bounded by memory or by one transaction: an export streams from one read transaction to a
 * file written beside its target and moved into place at the end; an import goes in short transactions
 * (IMPORTING, hidden, until its last one) and a failure removes what it wrote. The engine runs both in a
 * worker (transferWorker.ts), so neither blocks it, and no write of another process waits for long.
 */
import { closeSync, constants, existsSync, fstatSync, linkSync, lstatSync, mkdirSync, openSync, readdirSync, readSync, realpathSync, renameSync, rmSync, statSync, writeSync } from 'node:fs'
import type { Stats } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { StringDecoder } from 'node:string_decoder'
import { z } from 'zod'
import { MAX_JSON_DEPTH, jsonProblem } from '../../../src-shared/jsonGuard'
import type { Run } from '../../../src-shared/records'
import { findStudy, upgradeConfig } from '../../../src-shared/studies'
import { RUN_EXPORT_FORMAT, runExportSchema, seriesEntrySchema, type RunExport } from '../../../src-shared/runExport'
import type { LabStore } from '../store'
import { pacedWrite } from '../store/database'
import type { ScalarPoint, SeriesEntry } from '../store/runs'
import { CsvError, SCALARS_CSV_HEADER, formatScalarsCsv, parseScalarsCsv } from './scalarsCsv'

export class RunExportError extends Error {}

export const FOLDER_FILES = { manifest: 'run.json', scalars: 'scalars.csv', series: 'series.jsonl', artifacts: 'artifacts' } as const

/** What an import reads at most, per file (V8 cannot hold one string over ≈ 512 MB; SQLite one BLOB over 10⁹ bytes). */
export const IMPORT_LIMITS = {
  /** A whole run as one .json document (larger runs travel as a folder, whose series are streamed). */
  documentBytes: 500 * 1024 * 1024,
  manifestBytes: 16 * 1024 * 1024,
  scalarsCsvBytes: 500 * 1024 * 1024,
  seriesLineBytes: 256 * 1024 * 1024,
  artifactBytes: 1_000_000_000
}

/** Rows (scalars) and bytes (series) per import transaction: each well under the busy timeout. */
export const IMPORT_CHUNK = { scalars: 5000, seriesBytes: 2 * 1024 * 1024 }

/** run.json of a folder: the document without its data, artifacts listed by name and kind (bytes are files). */
const manifestSchema = runExportSchema.omit({ scalars: true, series: true, artifacts: true }).extend({
  artifacts: z.array(z.strictObject({ name: z.string().min(1).max(200), kind: z.string().max(100) }))
})
type Manifest = z.infer<typeof manifestSchema>
type Head = Omit<RunExport, 'scalars' | 'series' | 'artifacts'>

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/

/** An artifact name becomes a file name in a folder: no separators, no `.`/`..`, nothing a file system refuses. */
function checkArtifactName(name: string): void {
  if (name === '.' || name === '..' || /[/\\\0]/.test(name)) throw new RunExportError(`artifact name "${name}" cannot be used as a file name`)
}

/** Two artifacts of one name would silently replace each other (and collide as files of a folder). */
function checkArtifactNames(names: string[], where: string): void {
  const seen = new Set<string>()
  for (const n of names) {
    checkArtifactName(n)
    if (seen.has(n)) throw new RunExportError(`${where}: two artifacts are named "${n}"; artifact names must be unique`)
    seen.add(n)
  }
}

// --------------------------------------------------------------------------------------------- sources

/** A run to write out, from the store or from a document in memory; series payloads as their JSON text. */
interface ExportSource {
  head: Head
  scalarKeys: string[]
  scalars(key: string): RunExport['scalars'][string]
  series(): Iterable<{ key: string; step: number; payload: string }>
  artifactList: { name: string; kind: string }[]
  artifacts(): Iterable<{ name: string; kind: string; bytes: Buffer }>
}

/** The run in the store; call inside one read transaction (a run still training is one consistent snapshot). */
function storeSource(store: LabStore, id: string): ExportSource | undefined {
  const run = store.runs.get(id)
  if (!run) return undefined
  const artifactList = store.runs.artifacts(id).map((a) => ({ name: a.name, kind: a.kind }))
  return {
    head: {
      format: RUN_EXPORT_FORMAT,
      version: 1,
      exportedAt: Date.now(),
      run: {
        id: run.id,
        name: run.name,
        studyId: run.studyId,
        config: run.config,
        seed: run.seed,
        status: run.status,
        backend: run.backend,
        createdAt: run.createdAt,
        startedAt: run.startedAt,
        finishedAt: run.finishedAt,
        error: run.error,
        summary: run.summary,
        tags: run.tags,
        notes: run.notes,
        starred: run.starred,
        archived: run.archived,
        experimentName: run.experimentId ? (store.experiments.get(run.experimentId)?.name ?? null) : null,
        sweepName: run.sweepId ? (store.sweeps.get(run.sweepId)?.name ?? null) : null,
        environment: run.environment
      }
    },
    scalarKeys: store.runs.scalarKeys(id),
    scalars: (key) => {
      const s = store.runs.scalars(id, [key])[key] ?? { step: [], wall: [], value: [] }
      return { step: s.step, wall: s.wall, value: s.value.map((v) => (Number.isFinite(v) ? v : null)) }
    },
    series: function* () {
      for (const [key, step, payload] of store.runs.seriesRows(id)) yield { key, step, payload }
    },
    artifactList,
    artifacts: () => store.runs.artifactRows(id)
  }
}

function docSource(doc: RunExport): ExportSource {
  const { scalars, series, artifacts, ...head } = doc
  return {
    head,
    scalarKeys: Object.keys(scalars),
    scalars: (key) => scalars[key],
    series: function* () {
      for (const s of series) yield { key: s.key, step: s.step, payload: JSON.stringify(s.payload) }
    },
    artifactList: artifacts.map((a) => ({ name: a.name, kind: a.kind })),
    artifacts: function* () {
      for (const a of artifacts) yield { name: a.name, kind: a.kind, bytes: Buffer.from(a.base64, 'base64') }
    }
  }
}

/** The run's whole record as a document in memory; undefined when the run does not exist or is in the trash. */
export function exportRun(store: LabStore, id: string): RunExport | undefined {
  return store.db.transaction(() => {
    const src = storeSource(store, id)
    if (!src) return undefined
    // fromEntries defines own properties: a logged key named "__proto__" stays a key
    const scalars: RunExport['scalars'] = Object.fromEntries(src.scalarKeys.map((key) => [key, src.scalars(key)]))
    return {
      ...src.head,
      scalars,
      series: [...src.series()].map((s) => ({ key: s.key, step: s.step, payload: JSON.parse(s.payload) })),
      artifacts: [...src.artifacts()].map((a) => ({ name: a.name, kind: a.kind, base64: a.bytes.toString('base64') }))
    } satisfies RunExport
  })()
}

// --------------------------------------------------------------------------------------------- writing

/** Appends to a file through a 1 MB buffer (synchronous: the export runs in a worker). */
class FileSink {
  private readonly fd: number
  private buf = Buffer.allocUnsafe(1 << 20)
  private used = 0
  bytes = 0
  constructor(path: string) {
    this.fd = openSync(path, 'wx')
  }
  write(data: string | Buffer): void {
    const b = typeof data === 'string' ? Buffer.from(data) : data
    this.bytes += b.length
    if (this.used + b.length > this.buf.length) this.flush()
    if (b.length >= this.buf.length) writeAll(this.fd, b)
    else this.used += b.copy(this.buf, this.used)
  }
  flush(): void {
    if (this.used) writeAll(this.fd, this.buf.subarray(0, this.used))
    this.used = 0
  }
  close(): void {
    try {
      this.flush()
    } finally {
      closeSync(this.fd)
    }
  }
}

function writeAll(fd: number, b: Buffer): void {
  for (let off = 0; off < b.length; ) off += writeSync(fd, b, off, b.length - off)
}

function writeFile(path: string, fill: (sink: FileSink) => void): number {
  const sink = new FileSink(path)
  try {
    fill(sink)
  } finally {
    sink.close()
  }
  return sink.bytes
}

function writeJsonDocument(src: ExportSource, sink: FileSink): void {
  const head = JSON.stringify(src.head)
  sink.write(`${head.slice(0, -1)},"scalars":{`)
  src.scalarKeys.forEach((key, i) => sink.write(`${i ? ',' : ''}${JSON.stringify(key)}:${JSON.stringify(src.scalars(key))}`))
  sink.write('},"series":[')
  let first = true
  for (const s of src.series()) {
    sink.write(`${first ? '' : ','}{"key":${JSON.stringify(s.key)},"step":${s.step},"payload":${s.payload}}`)
    first = false
  }
  sink.write('],"artifacts":[')
  first = true
  for (const a of src.artifacts()) {
    sink.write(`${first ? '' : ','}{"name":${JSON.stringify(a.name)},"kind":${JSON.stringify(a.kind)},"base64":"${a.bytes.toString('base64')}"}`)
    first = false
  }
  sink.write(']}')
}

function writeFolderContents(src: ExportSource, dir: string): number {
  mkdirSync(join(dir, FOLDER_FILES.artifacts), { recursive: true })
  const manifest: Manifest = { ...src.head, artifacts: src.artifactList }
  let bytes = writeFile(join(dir, FOLDER_FILES.manifest), (s) => s.write(JSON.stringify(manifest, null, 2) + '\n'))
  bytes += writeFile(join(dir, FOLDER_FILES.scalars), (sink) => {
    sink.write(SCALARS_CSV_HEADER + '\n')
    for (const key of src.scalarKeys) sink.write(formatScalarsCsv({ [key]: src.scalars(key) }).slice(SCALARS_CSV_HEADER.length + 1))
  })
  bytes += writeFile(join(dir, FOLDER_FILES.series), (sink) => {
    for (const s of src.series()) sink.write(`{"key":${JSON.stringify(s.key)},"step":${s.step},"payload":${s.payload}}\n`)
  })
  for (const a of src.artifacts()) bytes += writeFile(join(dir, FOLDER_FILES.artifacts, a.name), (s) => s.write(a.bytes))
  return bytes
}

const partialName = (target: string) => join(dirname(target), `.${basename(target)}.partial-${process.pid}-${Date.now().toString(36)}`)

/** Write a .json document beside `file` and link it into place: never a half-written file, never an overwrite. */
function writeJsonAtomically(src: ExportSource, file: string): number {
  if (existsSync(file)) throw new RunExportError(`${file} already exists; choose another file name`)
  const tmp = partialName(file)
  try {
    const bytes = writeFile(tmp, (sink) => writeJsonDocument(src, sink))
    try {
      linkSync(tmp, file) // fails if the file appeared meanwhile
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new RunExportError(`${file} already exists; choose another file name`)
      if (existsSync(file)) throw err
      renameSync(tmp, file) // a file system without hard links
    }
    return bytes
  } finally {
    rmSync(tmp, { force: true })
  }
}

/** Write a folder beside `dir` and move it into place; refuses a folder that already holds files. */
function writeFolderAtomically(src: ExportSource, dir: string): number {
  checkArtifactNames(src.artifactList.map((a) => a.name), dir)
  if (existsSync(dir) && (!statSync(dir).isDirectory() || readdirSync(dir).length > 0)) throw new RunExportError(`${dir} already exists and is not an empty folder; choose a new folder`)
  const tmp = partialName(dir)
  try {
    const bytes = writeFolderContents(src, tmp)
    renameSync(tmp, dir) // onto a missing or empty folder only
    return bytes
  } finally {
    rmSync(tmp, { recursive: true, force: true })
  }
}

/** Write a document as a folder (run.json, scalars.csv, series.jsonl, artifacts/). */
export function writeRunFolder(doc: RunExport, dir: string): void {
  writeFolderAtomically(docSource(doc), dir)
}

/** Write a document as one JSON file; refuses to overwrite a file. */
export function writeRunJson(doc: RunExport, file: string): void {
  writeJsonAtomically(docSource(doc), file)
}

/**
 * Export a run from the store straight to a .json file or a folder, streaming (memory holds one scalar
 * key, series entry or artifact at a time). Returns the bytes written, or undefined for an unknown run.
 */
export function exportRunTo(store: LabStore, id: string, path: string, format: 'json' | 'folder'): number | undefined {
  return store.db.transaction(() => {
    const src = storeSource(store, id)
    if (!src) return undefined
    return format === 'json' ? writeJsonAtomically(src, path) : writeFolderAtomically(src, path)
  })()
}

// --------------------------------------------------------------------------------------------- reading

const issueText = (issues: z.core.$ZodIssue[]) =>
  issues
    .slice(0, 5)
    .map((i) => `${i.path.join('.') || '(document)'}: ${i.message}`)
    .join('; ') + (issues.length > 5 ? `; … ${issues.length - 5} more` : '')

/** Format and version first, each named, so a file of another kind or version gets a message about that. */
function checkHeader(json: unknown, where: string): void {
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw new RunExportError(`${where} does not hold a run export (expected a JSON object with "format": "${RUN_EXPORT_FORMAT}")`)
  const { format, version } = json as { format?: unknown; version?: unknown }
  if (format !== RUN_EXPORT_FORMAT) {
    const shown = typeof format === 'string' ? JSON.stringify(format.slice(0, 60)) : format === undefined ? 'missing' : `a ${Array.isArray(format) ? 'list' : typeof format}`
    throw new RunExportError(`${where} is not a run export: field "format" is ${shown}, expected "${RUN_EXPORT_FORMAT}"`)
  }
  if (version !== 1) throw new RunExportError(`${where}: field "version" is ${typeof version === 'number' ? version : version === undefined ? 'missing' : 'not a number'}; this lab reads version 1`)
}

/**
 * Keys that could reach a prototype, and nesting SQLite's JSON functions cannot read back (a config nested
 * 1 500 levels makes every `json_extract` over the runs fail), anywhere in what is stored.
 */
function checkJson(value: unknown, where: string, extraDepth = 0, prefix = ''): void {
  const p = jsonProblem(value, MAX_JSON_DEPTH + extraDepth)
  if (!p) return
  const path = [prefix, p.path].filter(Boolean).join('.')
  throw new RunExportError(`${where}: ${path ? `${path.length > 120 ? `${path.slice(0, 120)}…` : path}: ` : ''}${p.message}`)
}

/** The JSON values an import stores as they are: the config and the summary, each held to MAX_JSON_DEPTH. */
function checkStoredJson(json: unknown, where: string): void {
  const run = (json as { run?: { config?: unknown; summary?: unknown } } | null)?.run
  if (!run || typeof run !== 'object') return
  checkJson(run.config, where, 0, 'run.config')
  checkJson(run.summary, where, 0, 'run.summary')
}

/** What the schema cannot say: columns of equal length, artifact bytes that are base64, usable and unique artifact names. */
function checkContents(doc: RunExport, where: string): void {
  for (const [key, s] of Object.entries(doc.scalars)) {
    if (s.step.length !== s.value.length || s.wall.length !== s.value.length) {
      throw new RunExportError(`${where}: scalars.${key}: step, wall and value must have the same length (${s.step.length}, ${s.wall.length}, ${s.value.length})`)
    }
    if (s.step.some((x) => !Number.isInteger(x))) throw new RunExportError(`${where}: scalars.${key}.step holds a value that is not an integer`)
  }
  checkArtifactNames(doc.artifacts.map((a) => a.name), where)
  for (const a of doc.artifacts) {
    if (a.base64.length % 4 !== 0 || !BASE64.test(a.base64)) throw new RunExportError(`${where}: artifact "${a.name}" is not valid base64`)
  }
  checkSummary(doc.run.summary, where)
}

function checkSummary(summary: unknown, where: string): void {
  if (summary !== null && (typeof summary !== 'object' || Array.isArray(summary))) throw new RunExportError(`${where}: run.summary must be an object or null`)
}

/** Validate a parsed document (header, keys and nesting, schema, contents). */
export function parseRunExport(json: unknown, where: string): RunExport {
  checkHeader(json, where)
  checkStoredJson(json, where)
  // Then keys everywhere (doc → series → entry → payload is three levels more than a payload on its own).
  checkJson(json, where, 3)
  const parsed = runExportSchema.safeParse(json)
  if (!parsed.success) throw new RunExportError(`${where}: invalid run export: ${issueText(parsed.error.issues)}`)
  checkContents(parsed.data, where)
  return parsed.data
}

/** JSON.parse with a message that gives the position only: V8 quotes the text around it, a foreign file's bytes. */
function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text)
  } catch (err) {
    const at = /position (\d+)/.exec((err as Error).message)?.[1]
    const end = /Unexpected end of JSON input/.test((err as Error).message)
    throw new RunExportError(`${where} is not valid JSON (${end ? 'it ends too early' : at !== undefined ? `at character ${at}` : 'unexpected text'})`)
  }
}

/**
 * A file an import needs, checked before it is opened: a regular file only (a symlink, folder, FIFO or
 * device is refused — a link could point at /etc/passwd, /dev/zero reads without end, a FIFO blocks), at
 * most `maxBytes`. `shown` names the file in messages; `missing` is the message when it does not exist.
 */
function statRegular(file: string, shown: string, maxBytes: number, missing: string): void {
  let st
  try {
    st = lstatSync(file)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new RunExportError(missing)
    throw new RunExportError(`cannot read ${shown}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`)
  }
  checkRegular(st, shown, maxBytes)
}

/** Open a file statRegular accepts, without following links, and check that what was opened is that file; its descriptor and size. */
function openRegular(file: string, shown: string, maxBytes: number, missing: string): { fd: number; size: number } {
  statRegular(file, shown, maxBytes, missing)
  const fd = openSync(file, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0))
  try {
    const st = fstatSync(fd)
    checkRegular(st, shown, maxBytes)
    return { fd, size: st.size }
  } catch (err) {
    closeSync(fd)
    throw err
  }
}

/** The whole of a file an import needs (see statRegular). */
function readRegular(file: string, shown: string, maxBytes: number, missing: string): Buffer {
  const { fd, size } = openRegular(file, shown, maxBytes, missing)
  try {
    const buf = Buffer.allocUnsafe(size)
    let off = 0
    while (off < buf.length) {
      const n = readSync(fd, buf, off, buf.length - off, off)
      if (n === 0) break
      off += n
    }
    return buf.subarray(0, off)
  } finally {
    closeSync(fd)
  }
}

function checkRegular(st: Stats, shown: string, maxBytes: number): void {
  if (st.isSymbolicLink()) throw new RunExportError(`${shown} is a symbolic link; an exported run holds regular files only`)
  if (st.isDirectory()) throw new RunExportError(`${shown} is a folder, not a file`)
  if (!st.isFile()) throw new RunExportError(`${shown} is not a regular file (a device, pipe or socket); an exported run holds regular files only`)
  if (st.size > maxBytes) throw new RunExportError(`${shown} is ${st.size} bytes, more than the ${maxBytes} this lab reads for it`)
}

/** Lines of a text file an import needs, read a block at a time (series.jsonl may be larger than any string). */
function* fileLines(file: string, shown: string, maxLine: number, missing: string): Generator<{ line: string; n: number }> {
  const { fd } = openRegular(file, shown, Number.MAX_SAFE_INTEGER, missing)
  const decoder = new StringDecoder('utf8')
  const block = Buffer.allocUnsafe(4 << 20)
  let rest = ''
  let n = 1
  try {
    for (;;) {
      const got = readSync(fd, block, 0, block.length, null)
      const text = rest + (got ? decoder.write(block.subarray(0, got)) : decoder.end())
      let from = 0
      for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', from)) {
        yield { line: text.slice(from, nl), n: n++ }
        from = nl + 1
      }
      rest = text.slice(from)
      if (rest.length > maxLine) throw new RunExportError(`${shown} line ${n} is longer than ${maxLine} bytes`)
      if (!got) break
    }
    if (rest !== '') yield { line: rest, n }
  } finally {
    closeSync(fd)
  }
}

/** Inside an exported folder: `artifacts/x` (never the temporary path of an upload), and the message if it is missing. */
function inFolder(dir: string, shownDir: string, ...parts: string[]) {
  const shown = join(shownDir, ...parts)
  const listed = parts[0] === FOLDER_FILES.artifacts ? ' (listed in run.json)' : ''
  return { file: join(dir, ...parts), shown, missing: `${shownDir} is not a complete exported run folder (run.json, scalars.csv, series.jsonl, artifacts/): missing file ${shown}${listed}` }
}

function readManifest(dir: string, shownDir: string): Manifest {
  const m = inFolder(dir, shownDir, FOLDER_FILES.manifest)
  const json = parseJson(readRegular(m.file, m.shown, IMPORT_LIMITS.manifestBytes, m.missing).toString('utf8'), m.shown)
  checkHeader(json, m.shown)
  checkStoredJson(json, m.shown)
  checkJson(json, m.shown, 3)
  const manifest = manifestSchema.safeParse(json)
  if (!manifest.success) throw new RunExportError(`${m.shown}: invalid run export: ${issueText(manifest.error.issues)}`)
  checkArtifactNames(manifest.data.artifacts.map((a) => a.name), m.shown)
  checkSummary(manifest.data.run.summary, m.shown)
  return manifest.data
}

function readScalarsCsv(dir: string, shownDir: string): RunExport['scalars'] {
  const s = inFolder(dir, shownDir, FOLDER_FILES.scalars)
  try {
    return parseScalarsCsv(readRegular(s.file, s.shown, IMPORT_LIMITS.scalarsCsvBytes, s.missing).toString('utf8'))
  } catch (err) {
    if (err instanceof CsvError) throw new RunExportError(`${s.shown}: ${err.message}`)
    throw err
  }
}

function* readSeriesLines(dir: string, shownDir: string): Generator<SeriesEntry> {
  const s = inFolder(dir, shownDir, FOLDER_FILES.series)
  for (const { line, n } of fileLines(s.file, s.shown, IMPORT_LIMITS.seriesLineBytes, s.missing)) {
    const text = line.trim()
    if (text === '') continue
    const where = `${s.shown} line ${n}`
    const json = parseJson(text, where)
    checkJson((json as { payload?: unknown } | null)?.payload, where, 0, 'payload')
    checkJson(json, where, 1)
    const entry = seriesEntrySchema.safeParse(json)
    if (!entry.success) throw new RunExportError(`${where}: invalid series entry: ${issueText(entry.error.issues)}`)
    yield entry.data
  }
}

function readArtifact(dir: string, shownDir: string, name: string): Buffer {
  const a = inFolder(dir, shownDir, FOLDER_FILES.artifacts, name)
  return readRegular(a.file, a.shown, IMPORT_LIMITS.artifactBytes, a.missing)
}

/** Check that the folder holds what run.json lists — regular files within the limits — before anything is stored. */
function checkFolderFiles(dir: string, shownDir: string, manifest: Manifest): void {
  const series = inFolder(dir, shownDir, FOLDER_FILES.series)
  statRegular(series.file, series.shown, Number.MAX_SAFE_INTEGER, series.missing)
  for (const a of manifest.artifacts) {
    const f = inFolder(dir, shownDir, FOLDER_FILES.artifacts, a.name)
    statRegular(f.file, f.shown, IMPORT_LIMITS.artifactBytes, f.missing)
  }
}

function readFolder(dir: string, shownDir: string): RunExport {
  const manifest = readManifest(dir, shownDir)
  checkFolderFiles(dir, shownDir, manifest)
  const scalars = readScalarsCsv(dir, shownDir)
  const series = [...readSeriesLines(dir, shownDir)]
  const artifacts = manifest.artifacts.map((a) => ({ name: a.name, kind: a.kind, base64: readArtifact(dir, shownDir, a.name).toString('base64') }))
  return parseRunExport({ ...manifest, scalars, series, artifacts }, shownDir)
}

function kindOf(path: string, shown: string): 'folder' | 'file' {
  let st
  try {
    st = statSync(path)
  } catch (err) {
    throw new RunExportError(`cannot read ${shown}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or folder' : ((err as NodeJS.ErrnoException).code ?? (err as Error).message)}`)
  }
  if (st.isDirectory()) return 'folder'
  if (!st.isFile()) throw new RunExportError(`${shown} is not a regular file (a device, pipe or socket)`)
  return 'file'
}

function readDocument(path: string, shown: string): RunExport {
  const size = statSync(path).size
  if (size > IMPORT_LIMITS.documentBytes) {
    throw new RunExportError(`${shown} is ${Math.round(size / 1e6)} MB, more than one JSON document this lab reads (${Math.round(IMPORT_LIMITS.documentBytes / 1e6)} MB); export the run as a folder (--out <folder>) and import that`)
  }
  // The document itself may be a link the user chose: read what it points to (a folder's files may not be links).
  return parseRunExport(parseJson(readRegular(realpathSync(path), shown, IMPORT_LIMITS.documentBytes, `cannot read ${shown}: missing file ${shown}`).toString('utf8'), shown), shown)
}

/**
 * Read an exported run into memory: a `.json` document or an exported folder. `shown` is how messages
 * name it (an upload: its own file name). The top-level path may be a link (the user chose it); inside a
 * folder, only regular files.
 */
export function readRunExport(path: string, shown = path): RunExport {
  return kindOf(path, shown) === 'folder' ? readFolder(path, shown) : readDocument(path, shown)
}

// --------------------------------------------------------------------------------------------- importing

/**
 * Writes an imported run in short transactions: the run row first (hidden, IMPORTING), then chunks of
 * scalars and series and one artifact at a time, and the row made visible last. A failure removes all of it.
 */
class ImportWriter {
  readonly id: string
  private readonly renamed: Record<string, string>
  private series: SeriesEntry[] = []
  private seriesBytes = 0
  private lastStep = 0

  constructor(
    private readonly store: LabStore,
    head: Head | Manifest,
    /** The run's step count from the highest scalar step (or its summary's own). */
    private readonly steps: (lastStep: number) => number
  ) {
    const r = head.run
    const status = r.status === 'queued' || r.status === 'running' ? 'interrupted' : r.status
    // A run exported before a config format changed arrives in today's form, its renamed keys with their names today.
    this.renamed = findStudy(r.studyId)?.renamedKeys ?? {}
    this.id = store.runs.insertImported({
      name: r.name,
      studyId: r.studyId,
      config: upgradeConfig(r.studyId, r.config),
      seed: r.seed,
      status,
      backend: r.backend,
      createdAt: r.createdAt,
      startedAt: r.startedAt,
      finishedAt: r.finishedAt,
      error: r.error,
      summary: r.summary,
      tags: r.tags,
      notes: r.notes,
      starred: r.starred,
      archived: r.archived,
      progress: status === 'completed' ? 1 : 0,
      steps: 0,
      totalSteps: 0
    })
    if ('environment' in r && r.environment) store.runs.setEnvironment(this.id, r.environment)
  }

  scalars(scalars: RunExport['scalars']): void {
    let chunk: ScalarPoint[] = []
    const flush = () => {
      if (chunk.length) pacedWrite(() => this.store.runs.appendBatch(this.id, { scalars: chunk }))
      chunk = []
    }
    for (const [stored, s] of Object.entries(scalars)) {
      const key = Object.hasOwn(this.renamed, stored) ? this.renamed[stored] : stored
      for (let i = 0; i < s.step.length; i++) {
        chunk.push({ key, step: s.step[i], wall: s.wall[i], value: s.value[i] ?? NaN })
        if (s.step[i] > this.lastStep) this.lastStep = s.step[i]
        if (chunk.length >= IMPORT_CHUNK.scalars) flush()
      }
    }
    flush()
  }

  seriesEntry(e: SeriesEntry): void {
    const json = JSON.stringify(e.payload)
    this.series.push({ key: Object.hasOwn(this.renamed, e.key) ? this.renamed[e.key] : e.key, step: e.step, payload: null, json })
    this.seriesBytes += json.length
    if (this.seriesBytes >= IMPORT_CHUNK.seriesBytes) this.flushSeries()
  }

  flushSeries(): void {
    const series = this.series
    if (series.length) pacedWrite(() => this.store.runs.appendBatch(this.id, { series }))
    this.series = []
    this.seriesBytes = 0
  }

  artifact(name: string, kind: string, bytes: Buffer): void {
    pacedWrite(() => this.store.runs.appendBatch(this.id, { artifacts: [{ name, kind, bytes }] }))
  }

  finish(): Run {
    this.flushSeries()
    this.store.runs.reveal(this.id, this.steps(this.lastStep))
    return this.store.runs.get(this.id)!
  }

  abort(): void {
    this.store.runs.purge(this.id)
  }
}

const stepsFrom = (summary: unknown) => (lastStep: number) => {
  const s = (summary as { steps?: unknown } | null)?.steps
  return typeof s === 'number' && Number.isFinite(s) ? s : lastStep
}

function writeImport(store: LabStore, head: Head | Manifest, fill: (w: ImportWriter) => void): Run {
  const w = new ImportWriter(store, head, stepsFrom(head.run.summary))
  try {
    fill(w)
    return w.finish()
  } catch (err) {
    w.abort()
    throw err
  }
}

/**
 * Store a document as a NEW run (new id, no experiment, no sweep) with all its data, in short transactions;
 * a failure stores nothing. A run exported while queued or running comes back `interrupted`.
 */
export function importRun(store: LabStore, doc: RunExport): Run {
  checkContents(doc, 'the run export')
  checkStoredJson(doc, 'the run export')
  checkJson(doc, 'the run export', 3)
  return storeDocument(store, doc)
}

/** importRun of a document parseRunExport has already checked (a walk of up to 500 MB, not done twice). */
function storeDocument(store: LabStore, doc: RunExport): Run {
  return writeImport(store, doc, (w) => {
    w.scalars(doc.scalars)
    for (const s of doc.series) w.seriesEntry(s)
    for (const a of doc.artifacts) w.artifact(a.name, a.kind, Buffer.from(a.base64, 'base64'))
  })
}

/**
 * Import a .json document or an exported folder as a new run. A folder streams: its series go from
 * series.jsonl to the store a chunk at a time (memory holds one chunk), each line checked as it comes;
 * a bad line half-way removes what was stored before it.
 */
export function importRunFrom(store: LabStore, path: string, shown = path): Run {
  if (kindOf(path, shown) === 'file') return storeDocument(store, readDocument(path, shown))
  const manifest = readManifest(path, shown)
  checkFolderFiles(path, shown, manifest)
  const scalars = readScalarsCsv(path, shown)
  checkContents({ ...manifest, scalars, series: [], artifacts: [] }, shown)
  return writeImport(store, manifest, (w) => {
    w.scalars(scalars)
    for (const e of readSeriesLines(path, shown)) w.seriesEntry(e)
    for (const a of manifest.artifacts) w.artifact(a.name, a.kind, readArtifact(path, shown, a.name))
  })
}
