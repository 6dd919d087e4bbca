/**
 * The engine's core, independent of transport: the store, the backend, the queue, and one handler per
 * contract method. The engine process (IPC / WebSocket) and the CLI (in-process) both wrap a Lab.
 */
import { LabError, validateCall, type EventName, type EventPayloads, type MethodName, type MethodResults } from '../../src-shared/contract'
import type { EngineInfo, Run, Settings } from '../../src-shared/records'
import { availableParallelism, totalmem } from 'node:os'
import { PROBES } from '../../src-shared/probes'
import { STUDY_LIST, allTemplates, findStudy, validateConfig } from '../../src-shared/studies'
import { describeEstimate, estimateSeconds, memoryLimit, memoryRefusal, type ResourceEstimate } from '../../src-shared/training/estimate'
import type { DataShape } from '../../src-shared/studies/training'
import type { RunEstimate } from '../../src-shared/contract'
import { CHECKPOINT_ARTIFACT, CheckpointError, checkpointPosition } from './training/checkpoint'
import { parseBackendOverride, resolveBackend, type Resolution } from './compute/backend'
import { JobQueue, type QueueOptions } from './runs/queue'
import { classActivations } from './runs/classActivations'
import { basename, resolve } from 'node:path'
import { GENERATORS, findGenerator } from '../../src-shared/generators'
import { BUILTIN_MNIST_ID } from './datasets/builtin'
import { generate } from './datasets/generators'
import { DatasetJobs, removeQuietly } from './datasets/jobs'
import { displayName } from './datasets/importers'
import { PreviewError, Previewer } from './datasets/preview'
import { openStore, type LabStore } from './store'
import { preferredDataDir, removeStaleUploads, resolveDataDir, setPreferredDataDir, uploadFolderOf, type DataDirSource } from './paths'
import { version } from './version'
import { Sweeps } from './sweeps/sweeps'
import { RunExportError } from './runs/runExport'
import { RunTransfers, TransferInputError, TransferNotFound } from './runs/transfers'

export type EventListener = <E extends EventName>(event: E, payload: EventPayloads[E]) => void

export interface LabOptions {
  dataDir: string
  /** How dataDir was chosen; only a folder not forced by flag or environment can be changed in Settings. */
  dataDirSource?: DataDirSource
  mode: EngineInfo['mode']
  /** The built run-worker script (worker.js beside the entry bundles). */
  workerUrl: URL
  env?: NodeJS.ProcessEnv
  /** Overrides the stored concurrency setting (CLI `--concurrency`). */
  concurrency?: number
  /** The built dataset-job worker (default: datasetWorker.js beside workerUrl). */
  datasetWorkerUrl?: URL
  /** The built run-transfer worker (default: runTransferWorker.js beside workerUrl). */
  transferWorkerUrl?: URL
  /** Create missing built-in datasets (the MNIST sample) in the background after open (default true). */
  builtins?: boolean
  /**
   * 'work' (default): this process runs work — it recovers what a stopped process left (interrupted runs,
   * cut-off imports, old uploads). 'read': it only reads (CLI list, show, export) — the store is opened
   * read-only and nothing is recovered, adopted or written.
   */
  access?: 'work' | 'read'
  /**
   * Take over runs left queued by a process that is gone and run them (default true: the engine). The CLI's
   * run and sweep pass false — their queue is their own work; the next engine picks those runs up.
   */
  adoptQueued?: boolean
  /** Limits of the run queue (tests make them small). */
  queueLimits?: Pick<QueueOptions, 'maxSeriesBytes' | 'recycleAboveRssBytes'>
}

type Handlers = { [M in MethodName]: (params: any) => MethodResults[M] | Promise<MethodResults[M]> }

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

const BUILTIN_LABEL = 'Built-in MNIST sample'
const BUILTIN_DELAY_MS = 500
const BUILTIN_MAX_DEFER_MS = 30_000

export class Lab {
  private closing = false
  private listeners = new Set<EventListener>()
  readonly queue: JobQueue
  private readonly handlers: Handlers
  private resolution!: Resolution
  private readonly backendOverride: ReturnType<typeof parseBackendOverride>
  readonly datasetJobs: DatasetJobs
  private readonly previewer: Previewer
  readonly sweeps: Sweeps
  readonly transfers: RunTransfers

  private constructor(
    readonly store: LabStore,
    private readonly opts: LabOptions
  ) {
    this.backendOverride = parseBackendOverride((opts.env ?? process.env).LAB_BACKEND)
    const settings = store.settings.get()
    this.queue = new JobQueue({
      store,
      emit: (e, p) => this.emit(e, p),
      backend: () => this.resolution.backend,
      workerUrl: opts.workerUrl,
      concurrency: opts.concurrency ?? settings.concurrency,
      ...opts.queueLimits
    })
    this.datasetJobs = new DatasetJobs({
      workerUrl: opts.datasetWorkerUrl ?? new URL('./datasetWorker.js', opts.workerUrl),
      dataDir: opts.dataDir,
      store: store.datasets,
      emit: (e, p) => this.emit(e, p)
    })
    this.previewer = new Previewer(store.datasets)
    this.transfers = new RunTransfers({ workerUrl: opts.transferWorkerUrl ?? new URL('./runTransferWorker.js', opts.workerUrl), dataDir: opts.dataDir })
    this.sweeps = new Sweeps({ store, queue: this.queue, emit: (e, p) => this.emit(e, p) })
    this.on((event, payload) => {
      if (event !== 'run.status') return
      this.sweeps.onRunStatus((payload as EventPayloads['run.status']).runId)
      // A completed run is one more measurement of this machine's speed.
      if ((payload as EventPayloads['run.status']).status === 'completed') this.throughputCache = null
    })
    this.handlers = this.createHandlers()
  }

  static async open(opts: LabOptions): Promise<Lab> {
    const readOnly = opts.access === 'read'
    const store = openStore(opts.dataDir, { readOnly })
    const lab = new Lab(store, opts)
    try {
      await lab.applyBackend(store.settings.get().backend)
    } catch (err) {
      store.close()
      throw err
    }
    // Only a process that runs work recovers: a read-only command must not re-own (and then lose) queued runs.
    if (readOnly) return lab
    const { adopted } = store.runs.recover(process.pid, isAlive, { adopt: opts.adoptQueued !== false })
    for (const id of adopted) lab.queue.enqueue(id)
    removeStaleUploads(opts.dataDir)
    if (opts.builtins !== false) lab.scheduleBuiltins(Date.now() + BUILTIN_MAX_DEFER_MS)
    return lab
  }

  private builtinTimer: NodeJS.Timeout | null = null

  /**
   * Create missing built-ins a moment after start, in a worker; while runs are training, wait (up to
   * BUILTIN_MAX_DEFER_MS) so the one-off work does not take a core from them.
   */
  private scheduleBuiltins(deadline: number): void {
    this.builtinTimer = setTimeout(() => {
      this.builtinTimer = null
      if (this.closing) return
      if (this.queue.list().length > 0 && Date.now() < deadline) return this.scheduleBuiltins(deadline)
      this.ensureBuiltins()
    }, BUILTIN_DELAY_MS)
    this.builtinTimer.unref()
  }

  /**
   * Start a job creating the built-in datasets that are absent (never deleted by the user: a built-in in
   * the trash stays there until the trash is emptied). Returns the job, or null when nothing is missing.
   */
  ensureBuiltins() {
    if (this.closing || this.store.datasets.exists(BUILTIN_MNIST_ID)) return null
    if (this.datasetJobs.list().some((j) => j.label === BUILTIN_LABEL && j.status === 'running')) return null
    return this.datasetJobs.start(BUILTIN_LABEL, { op: 'builtin-mnist' }, [BUILTIN_MNIST_ID])
  }

  private async applyBackend(setting: Settings['backend']): Promise<void> {
    this.resolution = await resolveBackend(this.backendOverride ?? setting)
    if (this.backendOverride) this.resolution.reason = `LAB_BACKEND=${this.backendOverride}: ${this.resolution.reason}`
  }

  get backend() {
    return this.resolution.backend
  }

  on(listener: EventListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  emit<E extends EventName>(event: E, payload: EventPayloads[E]): void {
    for (const l of this.listeners) {
      try {
        l(event, payload)
      } catch {
        // a broken listener (closed socket) must not stop the others
      }
    }
  }

  /** Validate and dispatch one call. Errors come back as LabError with a readable message. */
  async call<M extends MethodName>(method: M | string, params?: unknown): Promise<MethodResults[M]> {
    const call = validateCall(method, params)
    try {
      return (await this.handlers[call.method](call.params)) as MethodResults[M]
    } catch (err) {
      if (err instanceof LabError) throw err
      throw new LabError('internal', err instanceof Error ? err.message : String(err))
    }
  }

  info(): EngineInfo {
    return {
      version,
      pid: process.pid,
      backend: this.resolution.backend,
      backendReason: this.resolution.reason,
      backends: this.resolution.probes,
      dataDir: this.opts.dataDir,
      dataDirSource: this.opts.dataDirSource ?? 'flag',
      nextDataDir: this.nextDataDir(),
      dbPath: this.store.dbPath,
      concurrency: this.queue.concurrency,
      cpus: availableParallelism(),
      mode: this.opts.mode
    }
  }

  /** The data directory the next start will use, when it differs from the current one. */
  private nextDataDir(): string | null {
    const env = this.opts.env ?? process.env
    const next = this.opts.dataDirSource === 'flag' || this.opts.dataDirSource === undefined ? null : resolveDataDir(undefined, env).dataDir
    return next && next !== this.opts.dataDir ? next : null
  }

  async close(): Promise<void> {
    this.closing = true
    if (this.builtinTimer) clearTimeout(this.builtinTimer)
    await this.datasetJobs.shutdown()
    await this.transfers.shutdown()
    await this.queue.shutdown()
    this.store.close()
  }

  /** A transfer's errors as the caller's: a bad file or an unknown run is theirs, anything else internal. */
  private async transfer<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn()
    } catch (err) {
      if (err instanceof TransferNotFound) throw new LabError('not-found', err.message)
      if (err instanceof TransferInputError || err instanceof RunExportError) throw new LabError('bad-request', err.message)
      throw err
    }
  }

  private requireRun(id: string) {
    const run = this.store.runs.get(id)
    if (!run) throw new LabError('not-found', `run ${id} not found`)
    return run
  }

  private requireExperiment(id: string) {
    const e = this.store.experiments.get(id)
    if (!e) throw new LabError('not-found', `experiment ${id} not found`)
    return e
  }

  private checkConfig(studyId: string, config: unknown) {
    const v = validateConfig(studyId, config)
    if (!v.ok) throw new LabError('bad-request', `invalid config: ${v.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`)
    return v.config
  }

  /** The shape of a config's library dataset (null for generated data, or a dataset not in the store). */
  private dataShapeOf(config: unknown): DataShape | null {
    const id = (config as { dataset?: { kind?: string; datasetId?: string } })?.dataset
    if (id?.kind !== 'stored' || !id.datasetId) return null
    const info = this.store.datasets.get(id.datasetId)
    if (!info || info.shape.task !== 'classification') return null
    return { n: info.shape.n, sample: info.shape.sample, classes: info.shape.classes ?? 2, uint8: info.shape.dtype === 'uint8' }
  }

  private resourceEstimate(studyId: string, config: unknown): ResourceEstimate | null {
    const study = findStudy(studyId)
    if (!study?.estimate) return null
    try {
      return study.estimate(config, this.dataShapeOf(config))
    } catch {
      return null // a config the estimate cannot read (it is validated separately)
    }
  }

  /** FLOP rates assumed before any run has been timed here (roughly what the bench measures on 2 cores). */
  private static readonly ASSUMED_FLOPS: Record<string, number> = { wasm: 3e9, cpu: 5e7, 'tfjs-node': 2e10, 'tfjs-node-gpu': 2e11 }

  /**
   * The FLOP rate of this machine's backend, from the last completed training runs on it (samples/s of their
   * training loop × the FLOPs of a forward and backward pass of their network): the median of up to 30.
   */
  private throughputCache: { backend: string; value: { flopsPerSecond: number; runs: number; backend: string } } | null = null

  private throughput(): { flopsPerSecond: number; runs: number; backend: string } {
    const backend = this.resolution.backend
    if (this.throughputCache?.backend === backend) return this.throughputCache.value
    const value = this.measureThroughput(backend)
    this.throughputCache = { backend, value }
    return value
  }

  private measureThroughput(backend: string): { flopsPerSecond: number; runs: number; backend: string } {
    const rates: number[] = []
    for (const r of this.store.runs.list()) {
      if (rates.length >= 30) break
      if (r.status !== 'completed' || r.studyId !== 'training' || r.backend !== backend || !(r.summary?.samplesPerSecond ?? 0)) continue
      const e = this.resourceEstimate(r.studyId, r.config)
      if (!e) continue
      rates.push(e.trainFlopsPerSample * r.summary!.samplesPerSecond)
    }
    if (!rates.length) return { flopsPerSecond: Lab.ASSUMED_FLOPS[backend] ?? 3e9, runs: 0, backend }
    rates.sort((a, b) => a - b)
    return { flopsPerSecond: rates[Math.floor(rates.length / 2)], runs: rates.length, backend }
  }

  /** What a run of this config would need here, as the form shows it before launching. */
  estimateRun(studyId: string, config: unknown): RunEstimate {
    const limit = memoryLimit(this.resolution.backend, totalmem())
    const e = this.resourceEstimate(studyId, config)
    const rate = e ? this.throughput() : null
    return {
      bytes: e?.bytes ?? null,
      memory: e ? describeEstimate(e) : null,
      limit,
      tooLarge: !!e && e.bytes > limit,
      seconds: e && rate ? estimateSeconds(e.flops, rate.flopsPerSecond) : null,
      rate
    }
  }

  /** Refuse a run that cannot fit in this backend's memory, with the figure, before anything is allocated. */
  private checkResources(studyId: string, config: unknown): void {
    const refusal = memoryRefusal(this.resourceEstimate(studyId, config), this.resolution.backend, totalmem())
    if (refusal) throw new LabError('bad-request', refusal)
  }

  /** Create a run of an experiment's current config and queue it. */
  startRun(experimentId: string) {
    const e = this.requireExperiment(experimentId)
    const config = this.checkConfig(e.studyId, e.config)
    this.checkResources(e.studyId, config)
    const n = this.store.runs.countByExperiment(e.id) + 1
    const run = this.store.runs.create({ experimentId: e.id, name: `${e.name} #${n}`, studyId: e.studyId, config, seed: config.seed ?? 0 })
    this.queue.enqueue(run.id)
    this.emit('runs.changed', { runId: run.id })
    this.emit('experiments.changed', { experimentId: e.id })
    return this.store.runs.get(run.id)!
  }

  /**
   * Continue a stopped run from its last checkpoint: what it logged after the checkpoint is dropped (it is
   * logged again), and the same run is queued with the checkpoint as its starting point.
   */
  resumeRun(id: string) {
    const run = this.requireRun(id)
    if (this.queue.has(id)) throw new LabError('conflict', `run ${run.name} is ${run.status}; it is already in the queue`)
    if (!['interrupted', 'cancelled', 'failed'].includes(run.status)) {
      throw new LabError('conflict', `run ${run.name} is ${run.status}; only interrupted, cancelled or failed runs can be resumed${run.status === 'completed' ? ' (start a new run to train again)' : ''}`)
    }
    const artifact = this.store.runs.artifact(id, CHECKPOINT_ARTIFACT)
    if (!artifact) {
      throw new LabError('bad-request', `run ${run.name} has no checkpoint to resume from: it stopped before its first one, or its config saves none (set "Checkpoint every" / checkpointEvery)`)
    }
    let position
    try {
      position = checkpointPosition(new Uint8Array(artifact.bytes.buffer, artifact.bytes.byteOffset, artifact.bytes.byteLength))
    } catch (err) {
      throw new LabError('bad-request', `run ${run.name}'s checkpoint cannot be read: ${err instanceof CheckpointError ? err.message : String(err)}`)
    }
    this.store.runs.prepareResume(id, position.step)
    this.queue.enqueue(id, { resume: true })
    this.emit('run.status', { runId: id, status: 'queued', backend: run.backend, error: null, summary: null })
    this.emit('runs.changed', { runId: id })
    return this.store.runs.get(id)!
  }

  private createHandlers(): Handlers {
    const { store } = this
    return {
      'engine.info': () => this.info(),
      'settings.get': () => ({ ...store.settings.get(), dataDir: preferredDataDir(this.opts.env ?? process.env) }),
      'settings.set': async (p: Partial<Settings> & { dataDir?: string }) => {
        if (p.backend !== undefined && p.backend !== store.settings.get().backend) {
          try {
            await this.applyBackend(p.backend)
          } catch (err) {
            await this.applyBackend(store.settings.get().backend)
            throw new LabError('bad-request', (err as Error).message)
          }
        }
        if (p.dataDir !== undefined) {
          try {
            setPreferredDataDir(p.dataDir, this.opts.env ?? process.env)
          } catch (err) {
            throw new LabError('bad-request', (err as Error).message)
          }
        }
        const { dataDir: _dataDir, ...stored } = p
        const settings = store.settings.set(stored)
        if (p.concurrency !== undefined) this.queue.setConcurrency(p.concurrency)
        const all = { ...settings, dataDir: preferredDataDir(this.opts.env ?? process.env) }
        this.emit('settings.changed', all)
        return all
      },
      'studies.list': () =>
        STUDY_LIST.map((s) => ({ id: s.id, title: s.title, summary: s.summary, source: s.source, defaults: s.defaults, outputs: s.outputs, trainsNetwork: !!s.trainsNetwork })),
      'probes.list': () =>
        PROBES.map((p) => ({ id: p.id, title: p.title, summary: p.summary, source: p.source ?? null, defaults: p.defaults, defaultEvery: p.defaultEvery, outputs: p.outputs })),
      'templates.list': () => allTemplates(),
      'experiments.list': () => store.experiments.list(),
      'experiments.get': (p) => this.requireExperiment(p.id),
      'experiments.create': (p) => {
        const config = this.checkConfig(p.studyId, p.config)
        const e = store.experiments.create({ ...p, config })
        this.emit('experiments.changed', { experimentId: e.id })
        return e
      },
      'experiments.update': (p) => {
        const e = this.requireExperiment(p.id)
        const config = p.config === undefined ? undefined : this.checkConfig(e.studyId, p.config)
        const updated = store.experiments.update(p.id, { ...p, config })!
        this.emit('experiments.changed', { experimentId: e.id })
        return updated
      },
      'experiments.duplicate': (p) => {
        const src = this.requireExperiment(p.id)
        const e = store.experiments.create({
          name: p.name ?? `${src.name} (copy)`.slice(0, 200),
          studyId: src.studyId,
          config: structuredClone(src.config),
          notes: src.notes ?? undefined,
          tags: src.tags ?? undefined
        })
        this.emit('experiments.changed', { experimentId: e.id })
        return e
      },
      'experiments.delete': (p) => {
        this.requireExperiment(p.id)
        for (const r of store.runs.list({ experimentId: p.id })) if (this.queue.has(r.id)) this.queue.cancel(r.id)
        store.experiments.softDelete(p.id)
        this.emit('experiments.changed', { experimentId: p.id })
        this.emit('runs.changed', { runId: null })
        return { ok: true as const }
      },
      'runs.list': (p) => store.runs.list(p ?? {}),
      'runs.get': (p) => this.requireRun(p.id),
      'runs.start': (p) => this.startRun(p.experimentId),
      'runs.cancel': (p) => {
        const run = this.requireRun(p.id)
        if (!this.queue.cancel(p.id)) {
          throw new LabError('conflict', `run ${run.name} is ${run.status}${run.status === 'running' ? ' in another process' : ''}; only queued or running runs of this engine can be cancelled`)
        }
        return this.store.runs.get(p.id)!
      },
      'runs.rename': (p) => {
        this.requireRun(p.id)
        store.runs.rename(p.id, p.name)
        this.emit('runs.changed', { runId: p.id })
        return store.runs.get(p.id)!
      },
      'runs.update': (p) => {
        this.requireRun(p.id)
        const { id, ...patch } = p
        const run = store.runs.update(id, patch)
        if (!run) throw new LabError('not-found', `run ${id} not found`)
        this.emit('runs.changed', { runId: id })
        return run
      },
      'runs.table': () => store.runs.table(),
      'runs.scalarsMany': (p) => store.runs.scalarsMany(p.ids, p.keys),
      'runs.scalarsPacked': (p) => store.runs.scalarsPacked(p.ids, p.keys),
      // Export and import run in a worker (RunTransfers): the engine keeps answering whatever the run's size.
      'runs.export': (p) => this.transfer(() => this.transfers.document(p.id)),
      'runs.exportTo': async (p) => {
        const path = resolve(p.path)
        const format = p.format ?? (/\.json$/i.test(path) ? 'json' : 'folder')
        const bytes = await this.transfer(() => this.transfers.exportTo(p.id, path, format))
        return { runId: p.id, path, format, bytes }
      },
      'runs.import': async (p) => {
        const upload = uploadFolderOf(p.path, this.opts.dataDir)
        let run: Run
        try {
          run = await this.transfer(() => this.transfers.importFrom(p.path, upload ? basename(p.path) : p.path))
        } finally {
          if (upload) removeQuietly(upload)
        }
        this.emit('runs.changed', { runId: run.id })
        return run
      },
      'runs.delete': (p) => {
        const run = this.requireRun(p.id)
        if (this.queue.has(p.id)) throw new LabError('conflict', `run ${run.name} is ${run.status}; cancel it before deleting it`)
        store.runs.softDelete(p.id)
        this.emit('runs.changed', { runId: p.id })
        return { ok: true as const }
      },
      'runs.scalars': (p) => {
        this.requireRun(p.id)
        return store.runs.scalars(p.id, p.keys)
      },
      'runs.series': (p) => {
        this.requireRun(p.id)
        return store.runs.series(p.id, p.key, p.step)
      },
      'runs.seriesSteps': (p) => {
        this.requireRun(p.id)
        return store.runs.seriesSteps(p.id, p.key)
      },
      'runs.seriesKeys': (p) => {
        this.requireRun(p.id)
        return store.runs.seriesKeys(p.id)
      },
      'runs.seriesHistory': (p) => {
        this.requireRun(p.id)
        return store.runs.seriesHistory(p.id, p.key, p.max)
      },
      'runs.resume': (p) => this.resumeRun(p.id),
      'runs.estimate': (p) => this.estimateRun(p.studyId, p.config),
      'runs.classActivations': (p) => classActivations(store, this.requireRun(p.id), p),
      'runs.artifacts': (p) => {
        this.requireRun(p.id)
        return store.runs.artifacts(p.id)
      },
      'runs.artifact': (p) => {
        this.requireRun(p.id)
        const a = store.runs.artifact(p.id, p.name)
        if (!a) throw new LabError('not-found', `run ${p.id} has no artifact "${p.name}"`)
        return { name: a.name, kind: a.kind, base64: a.bytes.toString('base64') }
      },
      'queue.list': () => this.queue.list(),
      'sweeps.create': (p) => this.sweeps.create(p),
      'sweeps.list': () => this.sweeps.list(),
      'sweeps.get': (p) => this.sweeps.get(p.id),
      'sweeps.cancel': (p) => this.sweeps.cancel(p.id),
      'sweeps.retryFailed': (p) => this.sweeps.retryFailed(p.id),
      'layouts.list': () => store.layouts.list(),
      'layouts.save': (p) => {
        const layout = store.layouts.save(p)
        this.emit('layouts.changed', { layoutId: layout.id })
        return layout
      },
      'layouts.delete': (p) => {
        if (!store.layouts.delete(p.id)) throw new LabError('not-found', `layout ${p.id} not found`)
        this.emit('layouts.changed', { layoutId: p.id })
        return { ok: true as const }
      },
      'datasets.list': () => store.datasets.list(),
      'datasets.get': (p) => {
        const d = store.datasets.get(p.id)
        if (!d) throw new LabError('not-found', `dataset ${p.id} not found`)
        return d
      },
      'datasets.rename': (p) => {
        if (!store.datasets.get(p.id)) throw new LabError('not-found', `dataset ${p.id} not found`)
        store.datasets.rename(p.id, p.name)
        this.emit('datasets.changed', { datasetId: p.id })
        return store.datasets.get(p.id)!
      },
      'datasets.delete': (p) => {
        const d = store.datasets.get(p.id)
        if (!d) throw new LabError('not-found', `dataset ${p.id} not found`)
        const users = store.datasets.usedBy(p.id)
        if (users.length) {
          throw new LabError('conflict', `dataset "${d.name}" is used by ${users.length} run${users.length > 1 ? 's' : ''} (${users.slice(0, 3).map((r) => r.name).join(', ')}${users.length > 3 ? ', …' : ''}); delete those runs first`)
        }
        store.datasets.softDelete(p.id)
        this.previewer.forget(p.id)
        this.emit('datasets.changed', { datasetId: p.id })
        return { ok: true as const }
      },
      'datasets.generators': () => GENERATORS,
      'datasets.generate': (p) => {
        const desc = findGenerator(p.generator)
        if (!desc) throw new LabError('bad-request', `unknown generator "${p.generator}"; available: ${GENERATORS.map((g) => g.id).join(', ')}`)
        const started = Date.now()
        let data: ReturnType<typeof generate>
        try {
          data = generate(p.generator, p.params, p.seed)
        } catch (err) {
          throw new LabError('bad-request', `invalid parameters for ${p.generator}: ${(err as Error).message}`)
        }
        const d = store.datasets.create({
          name: p.name ?? `${desc.title} (seed ${p.seed})`,
          kind: 'generated',
          spec: { generator: p.generator, params: data.params, seed: p.seed },
          provenance: { generator: p.generator, title: desc.title, source: desc.source, seed: p.seed, generateSeconds: (Date.now() - started) / 1000, createdAt: new Date().toISOString() },
          shape: data.shape,
          classNames: data.classNames,
          arrays: { x: data.x, y: data.y }
        })
        this.emit('datasets.changed', { datasetId: d.id })
        return d
      },
      'datasets.import': (p) => {
        const label = `Import ${displayName(basename(p.paths[0]))}${p.paths.length > 1 ? ` + ${p.paths.length - 1} more` : ''}`
        // Uploaded files are the job's to remove when it ends; messages name them by their own file name.
        const paths: string[] = p.paths
        const uploads = paths.map((path) => uploadFolderOf(path, this.opts.dataDir))
        const shownAs = paths.map((path, i) => (uploads[i] ? basename(path) : path))
        const cleanup = [...new Set(uploads.filter((u): u is string => u !== null))]
        return this.datasetJobs.start(label, { op: 'import', options: { ...p, shownAs } }, undefined, cleanup)
      },
      'datasets.transform': (p) => {
        const d = store.datasets.get(p.id)
        if (!d) throw new LabError('not-found', `dataset ${p.id} not found`)
        const t = p.transform
        const what = t.op === 'pca' ? `PCA-${t.components}` : t.op
        return this.datasetJobs.start(`${what} of ${d.name}`, { op: 'transform', id: p.id, transform: t, name: p.name })
      },
      'datasets.jobs': () => this.datasetJobs.list(),
      'datasets.cancelJob': (p) => {
        const j = this.datasetJobs.cancel(p.jobId)
        if (!j) throw new LabError('not-found', `dataset job ${p.jobId} not found`)
        return j
      },
      'datasets.preview': (p) => {
        if (!store.datasets.get(p.id)) throw new LabError('not-found', `dataset ${p.id} not found`)
        try {
          return this.previewer.preview(p)
        } catch (err) {
          if (err instanceof PreviewError) throw new LabError('bad-request', err.message)
          throw err
        }
      },
      'trash.empty': async () => {
        const removed = await this.transfer(() => this.transfers.emptyTrash())
        this.emit('runs.changed', { runId: null })
        return removed
      }
    }
  }
}
