/**
 * The job queue: runs wait in order and start in their own worker_thread while fewer than
 * `concurrency` are running. Batches from workers go to the store (one transaction each) and out as
 * events. Cancel sets a shared flag the training loop reads between steps, and terminates the worker
 * if it has not stopped within `cancelGraceMs`.
 */
import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'
import type { EventName, EventPayloads } from '../../../src-shared/contract'
import { estimateEta } from '../../../src-shared/format'
import { threadsPerRun } from '../../../src-shared/threads'
import type { BackendName, QueueEntry, RunStatus } from '../../../src-shared/records'
import type { LabStore } from '../store'
import { isBusy } from '../store/database'
import type { RunBatch } from './batcher'
import type { WorkerInput, WorkerMessage } from './messages'

export type Emit = <E extends EventName>(event: E, payload: EventPayloads[E]) => void

/**
 * The queue's store writes, applied in order. A write that finds the store locked by another process past
 * the busy timeout (SQLITE_BUSY) stays at the head and is retried with backoff — thrown from a worker's
 * message handler it would take the engine down. Any other error goes to the write's `onError`.
 */
export class OrderedWriter {
  private readonly ops: { fn: () => void; onError: (err: Error) => void }[] = []
  private timer: NodeJS.Timeout | null = null
  private draining = false
  private delayMs: number
  private idleWaiters: (() => void)[] = []
  /** Writes retried after SQLITE_BUSY so far (tests read it). */
  retries = 0

  constructor(private readonly firstDelayMs = 100, private readonly maxDelayMs = 2000) {
    this.delayMs = firstDelayMs
  }

  write(fn: () => void, onError: (err: Error) => void): void {
    this.ops.push({ fn, onError })
    if (!this.timer && !this.draining) this.drain()
  }

  /** Resolves when every write so far is stored (or `timeoutMs` passed: the store stayed locked). */
  flushed(timeoutMs = 15_000): Promise<void> {
    if (!this.ops.length) return Promise.resolve()
    return new Promise((resolve) => {
      const t = setTimeout(resolve, timeoutMs)
      this.idleWaiters.push(() => (clearTimeout(t), resolve()))
    })
  }

  private drain(): void {
    this.timer = null
    this.draining = true
    try {
      while (this.ops.length) {
        const op = this.ops[0]
        try {
          op.fn()
        } catch (err) {
          if (isBusy(err)) {
            this.retries++
            this.timer = setTimeout(() => this.drain(), this.delayMs)
            this.delayMs = Math.min(this.delayMs * 2, this.maxDelayMs)
            return
          }
          this.ops.shift()
          op.onError(err instanceof Error ? err : new Error(String(err)))
          continue
        }
        this.ops.shift()
        this.delayMs = this.firstDelayMs
      }
    } finally {
      this.draining = false
    }
    for (const w of this.idleWaiters.splice(0)) w()
  }
}

/** Series bytes one run may store (its snapshots, matrices, boundaries): beyond it the run is stopped. */
export const MAX_SERIES_BYTES_PER_RUN = 256 * 1024 * 1024

/**
 * A warm worker is kept for the next run only while the process is below this RSS: a wasm heap grows for
 * a big run and never shrinks, so a worker that served one is ended (its memory goes with it).
 */
export const RECYCLE_ABOVE_RSS_BYTES = 1536 * 1024 * 1024

interface Job {
  runId: string
  name: string
  /** The sweep this run belongs to (its runs share the sweep's own "runs in parallel"), or null. */
  group: string | null
  /** How many runs of `group` may run at once; null: the queue's concurrency. */
  groupLimit: number | null
  worker: Worker | null
  abort: Int32Array<SharedArrayBuffer>
  startedAt: number | null
  fraction: number
  step: number
  totalSteps: number
  message: string
  samplesPerSecond: number | null
  batchSize: number | null
  cancelRequested: boolean
  settled: boolean
  /** Continue from the run's checkpoint. */
  resume: boolean
  /** Series payload bytes stored so far (capped at maxSeriesBytes). */
  seriesBytes: number
  seriesByKey: Map<string, number>
  /** Removes this run's listeners from its (reusable) worker. */
  detach?: () => void
  killTimer: NodeJS.Timeout | null
}

export interface QueueOptions {
  store: LabStore
  emit: Emit
  backend: () => BackendName
  workerUrl: URL
  concurrency: number
  cancelGraceMs?: number
  /** Default MAX_SERIES_BYTES_PER_RUN. */
  maxSeriesBytes?: number
  /** Default RECYCLE_ABOVE_RSS_BYTES. */
  recycleAboveRssBytes?: number
}

export class JobQueue {
  private readonly waiting: Job[] = []
  private readonly running = new Map<string, Job>()
  private readonly idleWorkers: Worker[] = []
  /** Run workers started so far (a warm worker serves the next run instead). */
  workersSpawned = 0
  private idleWaiters: (() => void)[] = []
  concurrency: number
  readonly writer = new OrderedWriter()
  /** Run workers ended after their run instead of kept warm, because the process had grown (RSS). */
  workersRecycled = 0

  constructor(private readonly opts: QueueOptions) {
    this.concurrency = opts.concurrency
  }

  enqueue(runId: string, opts: { resume?: boolean } = {}): void {
    const run = this.opts.store.runs.get(runId)
    if (!run) throw new Error(`run ${runId} not found`)
    const batchSize = typeof (run.config as any)?.batchSize === 'number' ? (run.config as any).batchSize : null
    // A sweep's runs in parallel is the sweep's own choice (its spec), never the global setting.
    const sweepLimit = run.sweepId ? this.opts.store.sweeps.get(run.sweepId)?.spec.concurrency : undefined
    this.waiting.push({
      runId,
      name: run.name,
      group: run.sweepId,
      groupLimit: sweepLimit ?? null,
      worker: null,
      abort: new Int32Array(new SharedArrayBuffer(4)),
      startedAt: null,
      fraction: 0,
      step: 0,
      totalSteps: 0,
      message: 'waiting',
      samplesPerSecond: null,
      batchSize,
      cancelRequested: false,
      settled: false,
      resume: !!opts.resume,
      seriesBytes: 0,
      seriesByKey: new Map(),
      killTimer: null
    })
    this.pump()
  }

  setConcurrency(n: number): void {
    this.concurrency = n
    this.pump()
  }

  has(runId: string): boolean {
    return this.running.has(runId) || this.waiting.some((j) => j.runId === runId)
  }

  list(): QueueEntry[] {
    const entry = (j: Job, status: 'queued' | 'running'): QueueEntry => ({
      runId: j.runId,
      name: j.name,
      status,
      fraction: j.fraction,
      message: j.message,
      etaSeconds: j.startedAt ? estimateEta(j.fraction, (Date.now() - j.startedAt) / 1000) : null,
      startedAt: j.startedAt,
      samplesPerSecond: j.samplesPerSecond
    })
    return [...[...this.running.values()].map((j) => entry(j, 'running')), ...this.waiting.map((j) => entry(j, 'queued'))]
  }

  /** Cancel a waiting or running run. Returns false if the queue does not hold it. */
  cancel(runId: string): boolean {
    const i = this.waiting.findIndex((j) => j.runId === runId)
    if (i >= 0) {
      const [job] = this.waiting.splice(i, 1)
      this.settle(job, 'cancelled', null)
      return true
    }
    const job = this.running.get(runId)
    if (!job) return false
    if (job.cancelRequested) return true
    job.cancelRequested = true
    Atomics.store(job.abort, 0, 1)
    job.message = 'cancelling'
    // A runner stuck inside one long op cannot see the flag: stop the thread itself.
    job.killTimer = setTimeout(() => {
      void job.worker?.terminate()
      this.settle(job, 'cancelled', null)
    }, this.opts.cancelGraceMs ?? 800)
    return true
  }

  /** Resolves when nothing is running or waiting. */
  idle(): Promise<void> {
    if (!this.running.size && !this.waiting.length) return Promise.resolve()
    return new Promise((resolve) => this.idleWaiters.push(resolve))
  }

  /** Stop everything (engine shutdown): running runs become `interrupted`, waiting ones stay queued for next time. */
  async shutdown(): Promise<void> {
    this.waiting.length = 0
    const jobs = [...this.running.values()]
    for (const job of jobs) {
      Atomics.store(job.abort, 0, 1)
      // Settle before terminating: otherwise the worker's 'exit' event arrives first and records the stop
      // as a crash ("failed: the run's worker exited unexpectedly").
      this.settle(job, 'interrupted', 'the engine was stopped while this run was training')
    }
    const idle = this.idleWorkers.splice(0)
    await Promise.all([...jobs.map((j) => j.worker?.terminate()), ...idle.map((w) => w.terminate())])
    // What the runs sent last (and their final status) must be in the store before it closes.
    await this.writer.flushed()
  }

  /**
   * Whether a waiting job may start now. A plain run: while fewer than `concurrency` runs are running. A
   * run of a sweep with its own limit: while fewer than that many of the sweep's runs are running and the
   * total stays within the larger of the two (a sweep of 4 in parallel uses 4 slots, not 4 + the others).
   */
  private canStart(job: Job): boolean {
    if (job.groupLimit === null) return this.running.size < this.concurrency
    let inGroup = 0
    for (const j of this.running.values()) if (j.group === job.group) inGroup++
    return inGroup < job.groupLimit && this.running.size < Math.max(this.concurrency, job.groupLimit)
  }

  /** The most runs that can run at once given what is queued (how many warm workers are worth keeping). */
  private capacity(): number {
    let n = this.concurrency
    for (const j of [...this.running.values(), ...this.waiting]) if (j.groupLimit !== null && j.groupLimit > n) n = j.groupLimit
    return n
  }

  private pump(): void {
    // In queue order; a job that must wait does not hold up later ones that may start (another sweep's runs).
    for (let i = 0; i < this.waiting.length; ) {
      const job = this.waiting[i]
      if (!this.canStart(job)) {
        i++
        continue
      }
      this.waiting.splice(i, 1)
      this.start(job)
    }
    if (!this.running.size && !this.waiting.length) {
      const waiters = this.idleWaiters
      this.idleWaiters = []
      for (const w of waiters) w()
    }
  }

  private start(job: Job): void {
    const { store, emit } = this.opts
    const run = store.runs.get(job.runId)
    if (!run || run.status !== 'queued') return
    const backend = this.opts.backend()
    const input: WorkerInput = {
      runId: run.id,
      studyId: run.studyId,
      config: run.config,
      seed: run.seed,
      backend,
      threads: threadsPerRun(availableParallelism(), job.groupLimit ?? this.concurrency),
      dbPath: store.dbPath,
      abort: job.abort.buffer,
      ...(job.resume ? { resume: true } : {})
    }
    this.running.set(job.runId, job)
    job.startedAt = Date.now()
    job.message = 'starting'
    this.writer.write(
      () => {
        store.runs.markRunning(run.id, backend, 0)
        emit('run.status', { runId: run.id, status: 'running', backend, error: null, summary: null })
      },
      (err) => this.settle(job, 'failed', `cannot start the run: ${err.message}`)
    )
    const worker = this.idleWorkers.pop() ?? this.spawnWorker()
    worker.ref()
    job.worker = worker
    const onMessage = (m: WorkerMessage) => this.onMessage(job, m)
    const onError = (err: Error) => this.settle(job, job.cancelRequested ? 'cancelled' : 'failed', `the run crashed: ${err.message}`)
    const onExit = (code: number) => {
      if (!job.settled) {
        this.settle(job, job.cancelRequested ? 'cancelled' : 'failed', job.cancelRequested ? null : `the run's worker exited unexpectedly (code ${code})`)
      }
    }
    worker.on('message', onMessage)
    worker.on('error', onError)
    worker.on('exit', onExit)
    job.detach = () => {
      worker.off('message', onMessage)
      worker.off('error', onError)
      worker.off('exit', onExit)
    }
    worker.postMessage({ type: 'run', input })
  }

  /** A new run worker; it leaves the idle pool by itself if it dies. */
  private spawnWorker(): Worker {
    const worker = new Worker(this.opts.workerUrl)
    this.workersSpawned++
    worker.on('exit', () => {
      const i = this.idleWorkers.indexOf(worker)
      if (i >= 0) this.idleWorkers.splice(i, 1)
    })
    worker.on('error', () => {}) // reported to the run it serves, if any
    return worker
  }

  /**
   * A worker that finished its run cleanly serves the next one (up to as many as can run at once kept
   * warm) — unless the process has grown past recycleAboveRssBytes: the worker's wasm heap grew for that
   * run and would stay that size, so the worker ends and takes its memory with it.
   */
  private release(worker: Worker): void {
    if (process.memoryUsage.rss() > (this.opts.recycleAboveRssBytes ?? RECYCLE_ABOVE_RSS_BYTES)) {
      this.workersRecycled++
      void worker.terminate()
      return
    }
    if (this.idleWorkers.length >= this.capacity()) {
      void worker.terminate()
      return
    }
    worker.unref() // an idle worker must not keep a CLI process alive
    this.idleWorkers.push(worker)
  }

  private onMessage(job: Job, m: WorkerMessage): void {
    if (job.settled) return
    switch (m.type) {
      case 'started':
        job.message = job.resume ? 'resumed' : 'running'
        this.writer.write(
          () => this.opts.store.runs.setEnvironment(job.runId, m.environment),
          (err) => this.stop(job, `cannot store the run's environment: ${err.message}`)
        )
        break
      case 'batch':
        this.applyBatch(job, m.batch)
        break
      case 'collection':
        this.writer.write(
          () => this.opts.store.collections.append(m.header, m.samples, job.runId),
          (err) => this.stop(job, `cannot store the collection's samples: ${err.message}`)
        )
        break
      case 'done':
        this.settle(job, job.cancelRequested || m.cancelled ? 'cancelled' : 'completed', null, m.summary, true)
        break
      case 'failed':
        this.settle(job, job.cancelRequested ? 'cancelled' : 'failed', job.cancelRequested ? null : m.error, null, true)
        break
    }
  }

  private applyBatch(job: Job, batch: RunBatch): void {
    const { store } = this.opts
    if (batch.progress) {
      const p = batch.progress
      const elapsed = (Date.now() - (job.startedAt ?? Date.now())) / 1000
      job.fraction = p.totalSteps > 0 ? p.step / p.totalSteps : 0
      job.step = p.step
      job.totalSteps = p.totalSteps
      if (!job.cancelRequested) job.message = p.message
      job.samplesPerSecond = job.batchSize && elapsed > 0 ? Math.round((p.step * job.batchSize) / elapsed) : null
    }
    // Serialised here, so the run's series bytes are known before anything is stored.
    const series = batch.series.map((s) => ({ ...s, json: JSON.stringify(s.payload) }))
    const bytes = series.reduce((n, s) => n + s.json.length, 0)
    const cap = this.opts.maxSeriesBytes ?? MAX_SERIES_BYTES_PER_RUN
    const overCap = job.seriesBytes + bytes > cap
    if (!overCap) {
      job.seriesBytes += bytes
      for (const s of series) job.seriesByKey.set(s.key, (job.seriesByKey.get(s.key) ?? 0) + s.json.length)
    }
    const progress = batch.progress ? { fraction: job.fraction, steps: job.step, totalSteps: job.totalSteps } : undefined
    this.writer.write(
      () => {
        store.runs.appendBatch(job.runId, { scalars: batch.scalars, series: overCap ? [] : series, artifacts: batch.artifacts, progress })
        this.emitBatch(job, batch, overCap ? [] : series)
      },
      (err) => this.stop(job, `cannot store the run's output: ${err.message}`)
    )
    if (overCap) this.stop(job, seriesCapMessage(cap, job.seriesByKey, series.map((s) => s.key)))
  }

  /** End a running run as failed with `error` (it keeps what it stored): its worker is told to stop, then ended. */
  private stop(job: Job, error: string): void {
    if (job.settled) return
    Atomics.store(job.abort, 0, 1)
    this.settle(job, 'failed', error)
  }

  private emitBatch(job: Job, batch: RunBatch, stored: RunBatch['series']): void {
    const { emit } = this.opts
    if (batch.artifacts.length) emit('run.artifacts', { runId: job.runId, names: batch.artifacts.map((a) => a.name) })
    if (batch.scalars.length || stored.length) {
      const series = new Map<string, EventPayloads['run.metrics']['series'][number]>()
      for (const s of stored) {
        const entry = series.get(s.key) ?? { key: s.key, steps: [], step: s.step, payload: s.payload }
        entry.steps.push(s.step)
        entry.step = s.step
        entry.payload = s.payload
        series.set(s.key, entry)
      }
      emit('run.metrics', { runId: job.runId, points: batch.scalars, series: [...series.values()] })
    }
    if (batch.progress) {
      emit('run.progress', {
        runId: job.runId,
        fraction: job.fraction,
        step: job.step,
        totalSteps: job.totalSteps,
        etaSeconds: estimateEta(job.fraction, (Date.now() - (job.startedAt ?? Date.now())) / 1000),
        message: job.message,
        samplesPerSecond: job.samplesPerSecond
      })
    }
  }

  /** `workerDone`: the worker reported the end of its run itself and can serve another. */
  private settle(job: Job, status: Exclude<RunStatus, 'queued' | 'running'>, error: string | null, summary: any = null, workerDone = false): void {
    if (job.settled) return
    job.settled = true
    if (job.killTimer) clearTimeout(job.killTimer)
    job.detach?.()
    const { store, emit } = this.opts
    this.running.delete(job.runId)
    // After every batch of the run (the writer keeps order); retried while another process holds the store.
    const finish = () => {
      store.runs.finish(job.runId, status, { error, summary })
      const run = store.runs.get(job.runId)
      emit('run.status', { runId: job.runId, status, backend: run?.backend ?? null, error, summary: run?.summary ?? null })
      emit('runs.changed', { runId: job.runId })
    }
    this.writer.write(finish, (err) => emit('run.status', { runId: job.runId, status, backend: null, error: `${error ?? ''} (and the store refused the final status: ${err.message})`.trim(), summary: null }))
    if (job.worker) {
      if (workerDone) this.release(job.worker)
      else void job.worker.terminate()
    }
    this.pump()
  }
}

/** Why a run was stopped at the series cap: the limit, and the keys that took the most. */
function seriesCapMessage(cap: number, byKey: Map<string, number>, pending: string[]): string {
  const mb = (n: number) => `${(n / 1e6).toFixed(n < 10e6 ? 1 : 0)} MB`
  const top = [...byKey.entries()].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([k, n]) => `"${k}" ${mb(n)}`)
  const keys = top.length ? top.join(', ') : [...new Set(pending)].map((k) => `"${k}"`).join(', ')
  return `stopped: the run's series (snapshots, matrices, boundaries) reached the limit of ${mb(cap)} per run (${keys}); log them less often or at a lower resolution — what it stored is kept`
}
