/**
 * The job queue: runs wait in order and start in their own worker_thread while fewer than
 * `concurrency` are running. Batches from workers go to the store (one transaction each) and out as
 * events. Cancel sets a shared flag the training loop reads between steps, and terminates the worker
 * if it has not stopped within `cancelGraceMs`.
 */
import { Worker } from 'node:worker_threads'
import type { EventName, EventPayloads } from '../../../src-shared/contract'
import { estimateEta } from '../../../src-shared/format'
import type { BackendName, QueueEntry, RunStatus } from '../../../src-shared/records'
import type { LabStore } from '../store'
import type { RunBatch } from './batcher'
import type { WorkerInput, WorkerMessage } from './messages'

export type Emit = <E extends EventName>(event: E, payload: EventPayloads[E]) => void

interface Job {
  runId: string
  name: string
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
}

export class JobQueue {
  private readonly waiting: Job[] = []
  private readonly running = new Map<string, Job>()
  private readonly idleWorkers: Worker[] = []
  /** Run workers started so far (a warm worker serves the next run instead). */
  workersSpawned = 0
  private idleWaiters: (() => void)[] = []
  concurrency: number

  constructor(private readonly opts: QueueOptions) {
    this.concurrency = opts.concurrency
  }

  enqueue(runId: string, opts: { resume?: boolean } = {}): void {
    const run = this.opts.store.runs.get(runId)
    if (!run) throw new Error(`run ${runId} not found`)
    const batchSize = typeof (run.config as any)?.batchSize === 'number' ? (run.config as any).batchSize : null
    this.waiting.push({
      runId,
      name: run.name,
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
  }

  private pump(): void {
    while (this.running.size < this.concurrency && this.waiting.length) {
      const job = this.waiting.shift()!
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
      dbPath: store.dbPath,
      abort: job.abort.buffer,
      ...(job.resume ? { resume: true } : {})
    }
    this.running.set(job.runId, job)
    job.startedAt = Date.now()
    job.message = 'starting'
    store.runs.markRunning(run.id, backend, 0)
    emit('run.status', { runId: run.id, status: 'running', backend, error: null, summary: null })
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

  /** A worker that finished its run cleanly serves the next one (up to `concurrency` kept warm). */
  private release(worker: Worker): void {
    if (this.idleWorkers.length >= this.concurrency) {
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
        this.opts.store.runs.setEnvironment(job.runId, m.environment)
        break
      case 'batch':
        this.applyBatch(job, m.batch)
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
    const { store, emit } = this.opts
    if (batch.progress) {
      const p = batch.progress
      const elapsed = (Date.now() - (job.startedAt ?? Date.now())) / 1000
      job.fraction = p.totalSteps > 0 ? p.step / p.totalSteps : 0
      job.step = p.step
      job.totalSteps = p.totalSteps
      if (!job.cancelRequested) job.message = p.message
      job.samplesPerSecond = job.batchSize && elapsed > 0 ? Math.round((p.step * job.batchSize) / elapsed) : null
    }
    store.runs.appendBatch(job.runId, {
      scalars: batch.scalars,
      series: batch.series,
      artifacts: batch.artifacts,
      progress: batch.progress ? { fraction: job.fraction, steps: job.step, totalSteps: job.totalSteps } : undefined
    })
    if (batch.artifacts.length) emit('run.artifacts', { runId: job.runId, names: batch.artifacts.map((a) => a.name) })
    if (batch.scalars.length || batch.series.length) {
      const series = new Map<string, EventPayloads['run.metrics']['series'][number]>()
      for (const s of batch.series) {
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
    store.runs.finish(job.runId, status, { error, summary })
    this.running.delete(job.runId)
    const run = store.runs.get(job.runId)
    emit('run.status', { runId: job.runId, status, backend: run?.backend ?? null, error, summary: run?.summary ?? null })
    emit('runs.changed', { runId: job.runId })
    if (job.worker) {
      if (workerDone) this.release(job.worker)
      else void job.worker.terminate()
    }
    this.pump()
  }
}
