/**
 * A run as a portable document (src-shared/runExport.ts) and back: export from the store, write it as one
 * JSON file or as a folder (run.json + scalars.csv + series.jsonl + artifacts/), read either form with
 * messages that say what is wrong and where, and import it as a new run in one transaction.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'
import type { Run } from '../../../src-shared/records'
import { RUN_EXPORT_FORMAT, runExportSchema, type RunExport } from '../../../src-shared/runExport'
import type { LabStore } from '../store'
import type { ScalarPoint } from '../store/runs'
import { CsvError, formatScalarsCsv, parseScalarsCsv } from './scalarsCsv'

export class RunExportError extends Error {}

export const FOLDER_FILES = { manifest: 'run.json', scalars: 'scalars.csv', series: 'series.jsonl', artifacts: 'artifacts' } as const

/** run.json of a folder: the document without its data, artifacts listed by name and kind (bytes are files). */
const manifestSchema = runExportSchema.omit({ scalars: true, series: true, artifacts: true }).extend({
  artifacts: z.array(z.strictObject({ name: z.string().min(1).max(200), kind: z.string().max(100) }))
})

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/

/** An artifact name becomes a file name in a folder: no separators, no `.`/`..`, nothing a file system refuses. */
function checkArtifactName(name: string): void {
  if (name === '.' || name === '..' || /[/\\\0]/.test(name)) throw new RunExportError(`artifact name "${name}" cannot be used as a file name`)
}

/** The run's whole record as a document; undefined when the run does not exist or is in the trash. */
export function exportRun(store: LabStore, id: string): RunExport | undefined {
  // One read transaction: a run still training is exported as one consistent snapshot.
  return store.db.transaction(() => {
    const run = store.runs.get(id)
    if (!run) return undefined
    const scalars: RunExport['scalars'] = {}
    for (const [key, s] of Object.entries(store.runs.scalars(id))) {
      scalars[key] = { step: s.step, wall: s.wall, value: s.value.map((v) => (Number.isFinite(v) ? v : null)) }
    }
    return {
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
        sweepName: run.sweepId ? (store.sweeps.get(run.sweepId)?.name ?? null) : null
      },
      scalars,
      series: store.runs.allSeries(id),
      artifacts: store.runs.allArtifacts(id).map((a) => ({ name: a.name, kind: a.kind, base64: a.bytes.toString('base64') }))
    } satisfies RunExport
  })()
}

/** Write the document as a folder; refuses a folder that already holds files. */
export function writeRunFolder(doc: RunExport, dir: string): void {
  for (const a of doc.artifacts) checkArtifactName(a.name)
  if (existsSync(dir) && (!statSync(dir).isDirectory() || readdirSync(dir).length > 0)) throw new RunExportError(`${dir} already exists and is not an empty folder; choose a new folder`)
  mkdirSync(join(dir, FOLDER_FILES.artifacts), { recursive: true })
  const { scalars, series, artifacts, ...rest } = doc
  const manifest: z.infer<typeof manifestSchema> = { ...rest, artifacts: artifacts.map((a) => ({ name: a.name, kind: a.kind })) }
  writeFileSync(join(dir, FOLDER_FILES.manifest), JSON.stringify(manifest, null, 2) + '\n')
  writeFileSync(join(dir, FOLDER_FILES.scalars), formatScalarsCsv(scalars))
  writeFileSync(join(dir, FOLDER_FILES.series), series.map((s) => JSON.stringify(s) + '\n').join(''))
  for (const a of artifacts) writeFileSync(join(dir, FOLDER_FILES.artifacts, a.name), Buffer.from(a.base64, 'base64'))
}

/** Write one JSON document; refuses to overwrite a file. */
export function writeRunJson(doc: RunExport, file: string): void {
  if (existsSync(file)) throw new RunExportError(`${file} already exists; choose another file name`)
  writeFileSync(file, JSON.stringify(doc))
}

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
    throw new RunExportError(`${where} is not a run export: field "format" is ${format === undefined ? 'missing' : JSON.stringify(format)}, expected "${RUN_EXPORT_FORMAT}"`)
  }
  if (version !== 1) throw new RunExportError(`${where}: field "version" is ${version === undefined ? 'missing' : JSON.stringify(version)}; this lab reads version 1`)
}

/** What the schema cannot say: columns of equal length, artifact bytes that are base64, usable artifact names. */
function checkContents(doc: RunExport, where: string): void {
  for (const [key, s] of Object.entries(doc.scalars)) {
    if (s.step.length !== s.value.length || s.wall.length !== s.value.length) {
      throw new RunExportError(`${where}: scalars.${key}: step, wall and value must have the same length (${s.step.length}, ${s.wall.length}, ${s.value.length})`)
    }
    if (s.step.some((x) => !Number.isInteger(x))) throw new RunExportError(`${where}: scalars.${key}.step holds a value that is not an integer`)
  }
  for (const a of doc.artifacts) {
    checkArtifactName(a.name)
    if (a.base64.length % 4 !== 0 || !BASE64.test(a.base64)) throw new RunExportError(`${where}: artifact "${a.name}" is not valid base64`)
  }
  const summary = doc.run.summary
  if (summary !== null && (typeof summary !== 'object' || Array.isArray(summary))) throw new RunExportError(`${where}: run.summary must be an object or null`)
}

/** Validate a parsed document (header, schema, contents). */
export function parseRunExport(json: unknown, where: string): RunExport {
  checkHeader(json, where)
  const parsed = runExportSchema.safeParse(json)
  if (!parsed.success) throw new RunExportError(`${where}: invalid run export: ${issueText(parsed.error.issues)}`)
  checkContents(parsed.data, where)
  return parsed.data
}

function readText(file: string, what: string): string {
  if (!existsSync(file)) throw new RunExportError(`${what}: missing file ${file}`)
  return readFileSync(file, 'utf8')
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text)
  } catch (err) {
    throw new RunExportError(`${where} is not valid JSON: ${(err as Error).message}`)
  }
}

function readFolder(dir: string): RunExport {
  const what = `${dir} is not a complete exported run folder (run.json, scalars.csv, series.jsonl, artifacts/)`
  const manifestFile = join(dir, FOLDER_FILES.manifest)
  const manifestJson = parseJson(readText(manifestFile, what), manifestFile)
  checkHeader(manifestJson, manifestFile)
  const manifest = manifestSchema.safeParse(manifestJson)
  if (!manifest.success) throw new RunExportError(`${manifestFile}: invalid run export: ${issueText(manifest.error.issues)}`)

  const scalarsFile = join(dir, FOLDER_FILES.scalars)
  let scalars: RunExport['scalars']
  try {
    scalars = parseScalarsCsv(readText(scalarsFile, what))
  } catch (err) {
    if (err instanceof CsvError) throw new RunExportError(`${scalarsFile}: ${err.message}`)
    throw err
  }

  const seriesFile = join(dir, FOLDER_FILES.series)
  const series = readText(seriesFile, what)
    .split('\n')
    .map((line, i) => ({ line: line.trim(), n: i + 1 }))
    .filter((l) => l.line !== '')
    .map((l) => parseJson(l.line, `${seriesFile} line ${l.n}`))

  const artifacts = manifest.data.artifacts.map((a) => {
    checkArtifactName(a.name)
    const file = join(dir, FOLDER_FILES.artifacts, a.name)
    if (!existsSync(file)) throw new RunExportError(`${what}: missing file ${file} (listed in run.json)`)
    return { name: a.name, kind: a.kind, base64: readFileSync(file).toString('base64') }
  })
  return parseRunExport({ ...manifest.data, scalars, series, artifacts }, dir)
}

/** Read an exported run: a `.json` document or an exported folder. `shown` is how messages name it (an upload: its own file name). */
export function readRunExport(path: string, shown = path): RunExport {
  let isDir: boolean
  try {
    isDir = statSync(path).isDirectory()
  } catch (err) {
    throw new RunExportError(`cannot read ${shown}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or folder' : (err as Error).message}`)
  }
  if (isDir) return readFolder(path)
  return parseRunExport(parseJson(readFileSync(path, 'utf8'), shown), shown)
}

/**
 * Store the document as a NEW run (new id, no experiment, no sweep) with all its data, in one transaction:
 * a failure stores nothing. A run exported while queued or running comes back `interrupted`.
 */
export function importRun(store: LabStore, doc: RunExport): Run {
  checkContents(doc, 'the run export')
  const r = doc.run
  const points: ScalarPoint[] = []
  let lastStep = 0
  for (const [key, s] of Object.entries(doc.scalars)) {
    for (let i = 0; i < s.step.length; i++) {
      points.push({ key, step: s.step[i], wall: s.wall[i], value: s.value[i] ?? NaN })
      lastStep = Math.max(lastStep, s.step[i])
    }
  }
  const summarySteps = (r.summary as { steps?: unknown } | null)?.steps
  const steps = typeof summarySteps === 'number' && Number.isFinite(summarySteps) ? summarySteps : lastStep
  const status = r.status === 'queued' || r.status === 'running' ? 'interrupted' : r.status
  return store.db.transaction(() => {
    const id = store.runs.insertImported({
      name: r.name,
      studyId: r.studyId,
      config: r.config,
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
      steps,
      totalSteps: steps
    })
    store.runs.appendBatch(id, {
      scalars: points,
      series: doc.series,
      artifacts: doc.artifacts.map((a) => ({ name: a.name, kind: a.kind, bytes: Buffer.from(a.base64, 'base64') }))
    })
    return store.runs.get(id)!
  })()
}
