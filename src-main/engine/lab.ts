/**
 * The engine's core, independent of transport: the store, the backend, the queue, and one handler per
 * contract method. The engine process (IPC / WebSocket) and the CLI (in-process) both wrap a Lab.
 */
import { LabError, validateCall, type EventName, type EventPayloads, type MethodName, type MethodResults } from '../../src-shared/contract'
import type { EngineInfo, Settings } from '../../src-shared/records'
import { STUDIES, allTemplates, validateConfig } from '../../src-shared/studies'
import { parseBackendOverride, resolveBackend, type Resolution } from './compute/backend'
import { JobQueue } from './runs/queue'
import { openStore, type LabStore } from './store'
import { preferredDataDir, resolveDataDir, setPreferredDataDir, type DataDirSource } from './paths'
import { version } from './version'

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
}

type Handlers = { [M in MethodName]: (params: any) => MethodResults[M] | Promise<MethodResults[M]> }

function notYet(method: string): never {
  throw new LabError('internal', `${method} is not available yet`)
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

export class Lab {
  private listeners = new Set<EventListener>()
  readonly queue: JobQueue
  private readonly handlers: Handlers
  private resolution!: Resolution
  private readonly backendOverride: ReturnType<typeof parseBackendOverride>

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
      concurrency: opts.concurrency ?? settings.concurrency
    })
    this.handlers = this.createHandlers()
  }

  static async open(opts: LabOptions): Promise<Lab> {
    const store = openStore(opts.dataDir)
    const lab = new Lab(store, opts)
    try {
      await lab.applyBackend(store.settings.get().backend)
    } catch (err) {
      store.close()
      throw err
    }
    const { adopted } = store.runs.recover(process.pid, isAlive)
    for (const id of adopted) lab.queue.enqueue(id)
    return lab
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
    await this.queue.shutdown()
    this.store.close()
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

  /** Create a run of an experiment's current config and queue it. */
  startRun(experimentId: string) {
    const e = this.requireExperiment(experimentId)
    const config = this.checkConfig(e.studyId, e.config)
    const n = this.store.runs.countByExperiment(e.id) + 1
    const run = this.store.runs.create({ experimentId: e.id, name: `${e.name} #${n}`, studyId: e.studyId, config, seed: config.seed ?? 0 })
    this.queue.enqueue(run.id)
    this.emit('runs.changed', { runId: run.id })
    this.emit('experiments.changed', { experimentId: e.id })
    return this.store.runs.get(run.id)!
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
        Object.values(STUDIES).map((s) => ({ id: s.id, title: s.title, summary: s.summary, source: s.source, defaults: s.defaults, outputs: s.outputs })),
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
        this.emit('datasets.changed', { datasetId: p.id })
        return { ok: true as const }
      },
      // Filled in by the dataset library (generators, importers, transforms, previews).
      'datasets.generators': () => [],
      'datasets.generate': () => notYet('datasets.generate'),
      'datasets.import': () => notYet('datasets.import'),
      'datasets.transform': () => notYet('datasets.transform'),
      'datasets.jobs': () => [],
      'datasets.cancelJob': () => notYet('datasets.cancelJob'),
      'datasets.preview': () => notYet('datasets.preview'),
      'trash.empty': () => store.experiments.emptyTrash()
    }
  }
}
