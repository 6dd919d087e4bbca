/** Records as the store returns them and the renderer shows them. */

export const RUN_STATUSES = ['queued', 'running', 'completed', 'failed', 'cancelled', 'interrupted'] as const
export type RunStatus = (typeof RUN_STATUSES)[number]
export const FINISHED_STATUSES: readonly RunStatus[] = ['completed', 'failed', 'cancelled', 'interrupted']

/** In the resolver's order of preference: `blas` is wasm with its GEMM kernels on the lab's OpenBLAS addon. */
export const BACKENDS = ['tfjs-node-gpu', 'tfjs-node', 'blas', 'wasm', 'cpu'] as const
export type BackendName = (typeof BACKENDS)[number]

export interface Experiment {
  id: string
  name: string
  studyId: string
  config: unknown
  notes: string
  tags: string[]
  createdAt: number
  updatedAt: number
  runCount: number
}

export interface RunSummary {
  /** The last value of every epoch-level metric (keys name their split: train/, val/, test/). */
  final: Record<string, number>
  /** Best values on the validation split ({ value, step }); never chosen on test. */
  best?: Record<string, { value: number; step: number }>
  steps: number
  epochs: number
  wallSeconds: number
  samplesPerSecond: number
  /** Early stopping ended the run at `epoch`; `bestEpoch` is the epoch of the best watched value. */
  stoppedEarly?: { epoch: number; metric: string; bestEpoch: number }
}

export interface Run {
  id: string
  experimentId: string | null
  name: string
  studyId: string
  config: unknown
  seed: number
  status: RunStatus
  backend: string | null
  createdAt: number
  startedAt: number | null
  finishedAt: number | null
  error: string | null
  summary: RunSummary | null
  tags: string[]
  notes: string
  sweepId: string | null
  starred: boolean
  /** Archived runs are hidden from the runs table unless asked for (`is:archived`); nothing is deleted. */
  archived: boolean
  /** Progress as last recorded (0–1), and steps done / planned. */
  progress: number
  steps: number
  totalSteps: number
  /** What it ran with (null for runs from before versions were recorded). */
  environment: RunEnvironment | null
}

/** The software a run ran with, recorded when it starts (and kept in its export). */
export interface RunEnvironment {
  app: string
  tfjs: string
  backend: string
  node: string
  platform: string
  /** Compute threads the backend used (native BLAS); absent for single-threaded backends and older runs. */
  threads?: number
}

/** Per run and scalar key: kept up to date as batches are written, so the runs table never scans curves. */
export interface MetricStats {
  last: number
  lastStep: number
  min: number
  minStep: number
  max: number
  maxStep: number
  count: number
}

/** Everything the runs table shows: the runs, and per run id per scalar key its stats. */
export interface RunTable {
  runs: Run[]
  metrics: Record<string, Record<string, MetricStats>>
}

/** A saved compare view: reopening it restores the same runs, charts and settings. */
export interface CompareLayout {
  id: string
  name: string
  /** A CompareState (src-shared/compare/state.ts). */
  state: unknown
  createdAt: number
  updatedAt: number
}

export interface ArtifactInfo {
  name: string
  kind: string
  size: number
  createdAt: number
}

export interface ScalarSeries {
  step: number[]
  value: number[]
  wall: number[]
}

/** Live state of a queued or running job. */
export interface QueueEntry {
  runId: string
  name: string
  status: 'queued' | 'running'
  fraction: number
  message: string
  etaSeconds: number | null
  startedAt: number | null
  samplesPerSecond: number | null
}

export interface BackendProbe {
  name: BackendName
  available: boolean
  /** Why it is not available (load error), or what it is. */
  detail: string
  accelerated: boolean
}

export interface EngineInfo {
  version: string
  pid: number
  backend: BackendName
  backendReason: string
  backends: BackendProbe[]
  dataDir: string
  /** flag = --data-dir, env = LAB_DATA_DIR, setting = chosen in Settings, default = the app's folder. */
  dataDirSource: 'flag' | 'env' | 'setting' | 'default'
  /** Set when Settings chose another folder that the next start will use. */
  nextDataDir: string | null
  dbPath: string
  concurrency: number
  /** CPU cores of the engine's machine (runs in parallel divide them: src-shared/threads.ts). */
  cpus: number
  mode: 'ipc' | 'serve' | 'inprocess'
}

export interface Settings {
  /** 'auto' walks the resolver order; a name forces that backend. */
  backend: 'auto' | BackendName
  concurrency: number
  /** Data directory chosen in Settings for the next start (null = the app's default folder). */
  dataDir?: string | null
}

/** A decision-boundary snapshot: predicted class and confidence per grid cell, row-major from (x0, y0). */
export interface BoundaryPayload {
  nx: number
  ny: number
  extent: [number, number, number, number]
  classes: number
  /** base64 of Uint8Array(nx*ny): predicted class per cell. */
  cls: string
  /** base64 of Uint8Array(nx*ny): confidence 0–255 of that class. */
  conf: string
}

/** The data points shown under a boundary (subsampled for display). */
export interface PointsPayload {
  x: number[]
  y: number[]
  label: number[]
  /** 0 = train, 1 = test. */
  split: number[]
}
