/**
 * The one API contract between the renderer (or CLI) and the engine: every method with its params
 * schema and result type, every event with its payload. Transports (Node IPC, WebSocket, in-process)
 * carry exactly these; the engine validates every incoming call against `METHOD_SCHEMAS`.
 */
import { z } from 'zod'
import { BACKENDS, type ArtifactInfo, type CompareLayout, type RunTable, type EngineInfo, type Experiment, type QueueEntry, type Run, type RunStatus, type RunSummary, type ScalarSeries, type Settings } from './records'
import type { DatasetInfo, DatasetJob, GeneratorDescriptor } from './datasets'
import type { Template } from './studies'
import { sweepSpecSchema, type Sweep, type SweepDetail } from './sweeps'
import { compareStateSchema } from './compare/state'
import type { RunExport } from './runExport'
import type { PackedSeries } from './compare/packed'
import type { ClassActivations } from './neurashed/bridge'
import type { OutputDecl } from './outputs/decl'
import { jsonProblem } from './jsonGuard'

const id = z.string().min(1).max(100)
const empty = z.strictObject({}).optional()

export const METHOD_SCHEMAS = {
  'engine.info': empty,
  'settings.get': empty,
  'settings.set': z.strictObject({
    backend: z.enum(['auto', ...BACKENDS]).optional(),
    concurrency: z.number().int().min(1).max(16).optional(),
    dataDir: z.string().min(1).max(4096).optional()
  }),
  'studies.list': empty,
  /** The probes any training run can attach (`probes: [{ id, every, params }]`). */
  'probes.list': empty,
  'templates.list': empty,
  'experiments.list': empty,
  'experiments.get': z.strictObject({ id }),
  'experiments.create': z.strictObject({
    name: z.string().trim().min(1).max(200),
    studyId: id,
    config: z.unknown(),
    notes: z.string().max(100_000).optional(),
    tags: z.array(z.string().max(100)).max(100).optional()
  }),
  'experiments.update': z.strictObject({
    id,
    name: z.string().trim().min(1).max(200).optional(),
    config: z.unknown().optional(),
    notes: z.string().max(100_000).optional(),
    tags: z.array(z.string().max(100)).max(100).optional()
  }),
  'experiments.delete': z.strictObject({ id }),
  /** A copy of an experiment (config, notes, tags; not its runs), named "<name> (copy)" unless a name is given. */
  'experiments.duplicate': z.strictObject({ id, name: z.string().trim().min(1).max(200).optional() }),
  'runs.list': z.strictObject({ experimentId: id.optional() }).optional(),
  'runs.get': z.strictObject({ id }),
  'runs.start': z.strictObject({ experimentId: id }),
  'runs.cancel': z.strictObject({ id }),
  'runs.rename': z.strictObject({ id, name: z.string().trim().min(1).max(200) }),
  'runs.delete': z.strictObject({ id }),
  'runs.scalars': z.strictObject({ id, keys: z.array(z.string().max(200)).max(1000).optional() }),
  'runs.series': z.strictObject({ id, key: z.string().min(1).max(200), step: z.number().int().min(0).optional() }),
  'runs.seriesSteps': z.strictObject({ id, key: z.string().min(1).max(200) }),
  /** The series keys a run has logged (the run page draws a panel per declared output that has data). */
  'runs.seriesKeys': z.strictObject({ id }),
  /** Every step's payload of a series (at most `max`, evenly spaced, the last always kept): matrices over steps. */
  'runs.seriesHistory': z.strictObject({ id, key: z.string().min(1).max(200), max: z.number().int().min(1).max(2000).default(300) }),
  /** Memory and time a run of this config would take here, before it is launched (null parts: cannot be told). */
  'runs.estimate': z.strictObject({ studyId: id, config: z.unknown() }),
  /** Continue an interrupted, cancelled or failed run from its last checkpoint (same run, queued again). */
  'runs.resume': z.strictObject({ id }),
  /** Organise a run: any of name, tags, notes, star, archive. */
  'runs.update': z.strictObject({
    id,
    name: z.string().trim().min(1).max(200).optional(),
    tags: z.array(z.string().trim().min(1).max(100)).max(100).optional(),
    notes: z.string().max(100_000).optional(),
    starred: z.boolean().optional(),
    archived: z.boolean().optional()
  }),
  /** Every run (archived included) with per-key metric stats — the runs table in one call. */
  'runs.table': empty,
  /** Full-resolution scalars of many runs in one round trip (compare view). */
  'runs.scalarsMany': z.strictObject({ ids: z.array(id).min(1).max(2000), keys: z.array(z.string().max(200)).max(1000).optional() }),
  /** The same as runs.scalarsMany with every column packed as base64 Float64 (the compare view's fetch). */
  'runs.scalarsPacked': z.strictObject({ ids: z.array(id).min(1).max(2000), keys: z.array(z.string().max(200)).max(1000).optional() }),
  /** The run as one portable document (config, metadata, scalars, series, artifacts), for runs small enough for one message. */
  'runs.export': z.strictObject({ id }),
  /** Write the run's export where the engine runs: a .json document or (format 'folder', or a path without .json) a folder. Any size; in a worker. */
  'runs.exportTo': z.strictObject({ id, path: z.string().min(1).max(4096), format: z.enum(['json', 'folder']).optional() }),
  /** Import an exported run (a .json document or an exported folder) as a new run. */
  'runs.import': z.strictObject({ path: z.string().min(1).max(4096) }),
  /** A finished training MLP's mean hidden activations per class (the neurashed bridge view). */
  'runs.classActivations': z.strictObject({ id, split: z.enum(['train', 'test']).default('test'), maxPerClass: z.number().int().min(10).max(5000).default(200) }),
  'runs.artifacts': z.strictObject({ id }),
  'runs.artifact': z.strictObject({ id, name: z.string().min(1).max(200) }),
  'queue.list': empty,
  /** Expand a sweep spec (every run validated first), create its runs and queue them all. */
  'sweeps.create': sweepSpecSchema,
  'sweeps.list': empty,
  'sweeps.get': z.strictObject({ id }),
  'sweeps.cancel': z.strictObject({ id }),
  'sweeps.retryFailed': z.strictObject({ id }),
  'layouts.list': empty,
  /** Create (no id) or overwrite a saved compare layout. */
  'layouts.save': z.strictObject({ id: id.optional(), name: z.string().trim().min(1).max(200), state: compareStateSchema }),
  'layouts.delete': z.strictObject({ id }),
  'trash.empty': empty,
  'datasets.list': empty,
  'datasets.get': z.strictObject({ id }),
  'datasets.generators': empty,
  'datasets.generate': z.strictObject({
    generator: id,
    params: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])).optional(),
    seed: z.number().int().min(0).max(2 ** 31 - 1),
    name: z.string().trim().min(1).max(200).optional()
  }),
  /** Import files the engine can read (a native dialog's paths, or files uploaded to POST /upload). */
  'datasets.import': z.strictObject({
    paths: z.array(z.string().min(1).max(4096)).min(1).max(4),
    name: z.string().trim().min(1).max(200).optional(),
    format: z.enum(['auto', 'idx', 'csv', 'npy']).optional(),
    /** CSV: the label column, by header name or 0-based index (default: the last column). */
    labelColumn: z.union([z.string().max(200), z.number().int().min(0)]).optional(),
    /** CSV: whether the first row is a header (default: detected). */
    header: z.boolean().optional(),
    /** Names of the classes 0 … k−1 (default: detected — Fashion-MNIST and KMNIST by file name, digits for MNIST-like IDX, the label strings of a CSV). */
    classNames: z.array(z.string().min(1).max(200)).min(1).max(10_000).optional()
  }),
  'datasets.transform': z.strictObject({
    id,
    transform: z.discriminatedUnion('op', [
      z.strictObject({ op: z.literal('normalize') }),
      z.strictObject({ op: z.literal('standardize') }),
      z.strictObject({ op: z.literal('flatten') }),
      z.strictObject({ op: z.literal('pca'), components: z.number().int().min(1).max(4096) }),
      z.strictObject({ op: z.literal('subset'), classes: z.array(z.number().int().min(0)).min(1).max(1000) }),
      z.strictObject({ op: z.literal('subsample'), n: z.number().int().min(1), seed: z.number().int().min(0).optional() }),
      z.strictObject({ op: z.literal('split'), testFraction: z.number().gt(0).lt(1), seed: z.number().int().min(0).optional() }),
      z.strictObject({ op: z.literal('k-filter'), k: z.number().int().min(1).max(200), chunk: z.number().int().min(0).max(1_000_000), seed: z.number().int().min(0).optional() })
    ]),
    name: z.string().trim().min(1).max(200).optional()
  }),
  'datasets.jobs': empty,
  'datasets.cancelJob': z.strictObject({ jobId: id }),
  'datasets.rename': z.strictObject({ id, name: z.string().trim().min(1).max(200) }),
  'datasets.delete': z.strictObject({ id }),
  'datasets.preview': z.strictObject({
    id,
    kind: z.enum(['points', 'images', 'stats']),
    limit: z.number().int().min(1).max(20_000).optional(),
    offset: z.number().int().min(0).optional()
  })
} as const

export type MethodName = keyof typeof METHOD_SCHEMAS
export const METHOD_NAMES = Object.keys(METHOD_SCHEMAS) as MethodName[]

export interface StudyInfo {
  id: string
  title: string
  summary: string
  source: string
  defaults: unknown
  outputs: OutputDecl[]
  trainsNetwork: boolean
}

/** What `runs.estimate` tells the form before a launch. */
export interface RunEstimate {
  /** Null when the study gives no estimate, or the config does not determine one yet (no dataset chosen). */
  bytes: number | null
  /** "8.3 GB (the dataset 3.3 GB, …)" */
  memory: string | null
  /** The most this run may use on the engine's backend. */
  limit: number
  /** Refused at launch: more than the limit. */
  tooLarge: boolean
  /** Expected seconds of training and evaluation at the rate measured here (null without a rate or an estimate). */
  seconds: number | null
  /** The FLOP rate used and where it comes from: `runs` earlier runs on this backend, or 0 for an assumed rate. */
  rate: { flopsPerSecond: number; runs: number; backend: string } | null
}

export interface ProbeInfo {
  id: string
  title: string
  summary: string
  source: string | null
  defaults: unknown
  defaultEvery: number
  outputs: OutputDecl[]
}

export interface SeriesPoint {
  step: number
  payload: unknown
}

/** Result type of every method. */
export interface MethodResults {
  'engine.info': EngineInfo
  'settings.get': Settings
  'settings.set': Settings
  'studies.list': StudyInfo[]
  'probes.list': ProbeInfo[]
  'templates.list': Template[]
  'experiments.list': Experiment[]
  'experiments.get': Experiment
  'experiments.create': Experiment
  'experiments.update': Experiment
  'experiments.delete': { ok: true }
  'experiments.duplicate': Experiment
  'runs.list': Run[]
  'runs.get': Run
  'runs.start': Run
  'runs.cancel': Run
  'runs.rename': Run
  'runs.delete': { ok: true }
  'runs.scalars': Record<string, ScalarSeries>
  'runs.series': SeriesPoint | null
  'runs.seriesSteps': number[]
  'runs.seriesKeys': string[]
  'runs.seriesHistory': SeriesPoint[]
  'runs.resume': Run
  'runs.estimate': RunEstimate
  'runs.update': Run
  'runs.table': RunTable
  'runs.scalarsMany': Record<string, Record<string, ScalarSeries>>
  'runs.scalarsPacked': Record<string, Record<string, PackedSeries>>
  'runs.export': RunExport
  'runs.exportTo': { runId: string; path: string; format: 'json' | 'folder'; bytes: number }
  'runs.import': Run
  'runs.classActivations': ClassActivations
  'runs.artifacts': ArtifactInfo[]
  /** The artifact's bytes as base64 (artifacts are checkpoints and exports: kilobytes to a few megabytes). */
  'runs.artifact': { name: string; kind: string; base64: string }
  'queue.list': QueueEntry[]
  'sweeps.create': SweepDetail
  'sweeps.list': Sweep[]
  'sweeps.get': SweepDetail
  'sweeps.cancel': SweepDetail
  'sweeps.retryFailed': SweepDetail
  'layouts.list': CompareLayout[]
  'layouts.save': CompareLayout
  'layouts.delete': { ok: true }
  'trash.empty': { runs: number; experiments: number; datasets: number }
  'datasets.list': DatasetInfo[]
  'datasets.get': DatasetInfo
  'datasets.generators': GeneratorDescriptor[]
  'datasets.generate': DatasetInfo
  'datasets.import': DatasetJob
  'datasets.transform': DatasetJob
  'datasets.jobs': DatasetJob[]
  'datasets.cancelJob': DatasetJob
  'datasets.rename': DatasetInfo
  'datasets.delete': { ok: true }
  'datasets.preview': DatasetPreview
}

/** Preview payloads of `datasets.preview`, by kind. */
export type DatasetPreview =
  | {
      kind: 'points'
      /** Up to the first 3 input dimensions of each sampled point (row-major, `dims` per point). */
      dims: number
      x: number[]
      /** Label (classification) or first target (regression) per point. */
      label: number[]
      indices: number[]
    }
  | {
      kind: 'images'
      height: number
      width: number
      channels: number
      /** base64 of uint8 pixels, count × height × width × channels, scaled to 0–255. */
      pixels: string
      label: number[]
      indices: number[]
    }
  | {
      kind: 'stats'
      /** Per input feature (at most the first 4096). */
      features: { mean: number; std: number; min: number; max: number }[]
      classCounts: number[] | null
      /** Regression: histogram of the first target. */
      targetHistogram: { edges: number[]; counts: number[] } | null
    }

export type MethodParams<M extends MethodName> = z.input<(typeof METHOD_SCHEMAS)[M]>
export type MethodResult<M extends MethodName> = MethodResults[M]

/** Every event the engine pushes, with its payload. */
export interface EventPayloads {
  'run.status': { runId: string; status: RunStatus; backend: string | null; error: string | null; summary: RunSummary | null }
  'run.progress': { runId: string; fraction: number; step: number; totalSteps: number; etaSeconds: number | null; message: string; samplesPerSecond: number | null }
  /**
   * One batch of a run's output (a few per second): every scalar point, and per series key the steps
   * logged in the batch with only the latest payload (the others are in the store: `runs.series`).
   */
  'run.metrics': {
    runId: string
    points: { key: string; step: number; wall: number; value: number }[]
    series: { key: string; steps: number[]; step: number; payload: unknown }[]
  }
  /** A run stored artifacts (its model, a checkpoint): their names. */
  'run.artifacts': { runId: string; names: string[] }
  'runs.changed': { runId: string | null }
  'experiments.changed': { experimentId: string | null }
  'settings.changed': Settings
  'datasets.job': DatasetJob
  'datasets.changed': { datasetId: string | null }
  /** A sweep was created, cancelled or retried, or one of its runs changed status. */
  'sweeps.changed': { sweepId: string | null }
  'layouts.changed': { layoutId: string | null }
  /** Raised by the transport, not the engine: the link to the engine went down or came back. */
  'engine.connection': { connected: boolean; message: string }
}
export type EventName = keyof EventPayloads
export const EVENT_NAMES: EventName[] = ['run.status', 'run.progress', 'run.metrics', 'run.artifacts', 'runs.changed', 'experiments.changed', 'settings.changed', 'engine.connection', 'datasets.job', 'datasets.changed', 'sweeps.changed', 'layouts.changed']

/** The native open-file dialogs of the desktop app (`window.lab.pickFiles(kind)`); main maps each to its filters. */
export const FILE_DIALOG_KINDS = ['dataset', 'run'] as const
export type FileDialogKind = (typeof FILE_DIALOG_KINDS)[number]

/** Wire messages, identical over Node IPC and WebSocket. */
export type WireMessage =
  | { type: 'call'; id: number; method: string; params?: unknown }
  | { type: 'result'; id: number; result: unknown }
  | { type: 'error'; id: number; error: { code: string; message: string } }
  | { type: 'event'; event: EventName; payload: unknown }

/** Error codes a caller can act on. */
export type ErrorCode = 'bad-request' | 'unknown-method' | 'not-found' | 'conflict' | 'internal' | 'disconnected'

export class LabError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string
  ) {
    super(message)
    this.name = 'LabError'
  }
}

/** Validate an incoming call; throws LabError('bad-request'|'unknown-method') with a readable message. */
export function validateCall(method: unknown, params: unknown): { method: MethodName; params: any } {
  if (typeof method !== 'string') {
    // A number or boolean reads as itself; an object (`{"toString": "x"}`) is never converted to a string.
    const shown = typeof method === 'number' || typeof method === 'boolean' ? `"${String(method)}"` : `(a ${method === null ? 'null' : typeof method}, not a name)`
    throw new LabError('unknown-method', `unknown method ${shown}`)
  }
  if (!Object.prototype.hasOwnProperty.call(METHOD_SCHEMAS, method)) {
    throw new LabError('unknown-method', `unknown method "${method.slice(0, 100)}"`)
  }
  // Before the schema: a `__proto__` key anywhere, or nesting SQLite's JSON functions cannot read back.
  const unsafe = jsonProblem(params)
  if (unsafe) throw new LabError('bad-request', `invalid params for ${method}: ${unsafe.path ? `params.${unsafe.path}` : 'params'}: ${unsafe.message}`)
  const schema = METHOD_SCHEMAS[method as MethodName]
  const parsed = schema.safeParse(params === null ? undefined : params)
  if (!parsed.success) {
    const detail = parsed.error.issues
      .map((i) => `${i.path.length ? i.path.join('.') : 'params'}: ${i.message}`)
      .join('; ')
    throw new LabError('bad-request', `invalid params for ${method}: ${detail}`)
  }
  return { method: method as MethodName, params: parsed.data ?? {} }
}
