/**
 * Dataset jobs on the engine side: one worker thread per job (jobWorker.ts), one job at a time (the
 * others wait), progress pushed as `datasets.job` events at most every 100 ms, cancel by terminating the
 * worker — which commits nothing, since the worker writes in one transaction at its very end.
 */
import { randomUUID } from 'node:crypto'
import { rmSync } from 'node:fs'
import { Worker } from 'node:worker_threads'
import type { EventPayloads } from '../../../src-shared/contract'
import type { DatasetJob } from '../../../src-shared/datasets'
import type { DatasetStore } from '../store/datasets'
import type { JobTask, JobWorkerData, JobWorkerMessage } from './jobTypes'

type Emit = <E extends 'datasets.job' | 'datasets.changed'>(event: E, payload: EventPayloads[E]) => void

interface Entry {
  job: DatasetJob
  task: JobTask
  ids: string[]
  /** Folders the job owns (uploads it imports): removed when it ends, however it ends. */
  cleanup: string[]
  worker: Worker | null
  started: number
  lastEmit: number
  timer: NodeJS.Timeout | null
  cancelling: boolean
  finished: Promise<DatasetJob>
  resolve: (j: DatasetJob) => void
}

/** Remove a folder the job owned; a failure to remove must not change how the job ended. */
export function removeQuietly(path: string): void {
  try {
    rmSync(path, { recursive: true, force: true })
  } catch {
    // left for the start-up sweep of old uploads
  }
}

const EMIT_EVERY_MS = 100
const KEEP_FINISHED = 50

export class DatasetJobs {
  private entries = new Map<string, Entry>()
  private waiting: Entry[] = []
  private active: Entry | null = null
  private closed = false

  constructor(
    private readonly opts: { workerUrl: URL; dataDir: string; store: DatasetStore; emit: Emit }
  ) {}

  list(): DatasetJob[] {
    return [...this.entries.values()].map((e) => ({ ...e.job })).reverse()
  }

  get(jobId: string): DatasetJob | undefined {
    const e = this.entries.get(jobId)
    return e && { ...e.job }
  }

  /** Resolves with the job's final state. */
  wait(jobId: string): Promise<DatasetJob> {
    const e = this.entries.get(jobId)
    if (!e) return Promise.reject(new Error(`dataset job ${jobId} not found`))
    return e.finished
  }

  start(
    label: string,
    task: JobTask,
    ids: string[] = task.op === 'transform' && task.transform.op === 'split' ? [randomUUID(), randomUUID()] : [randomUUID()],
    cleanup: string[] = []
  ): DatasetJob {
    if (this.closed) throw new Error('the lab is closing')
    let resolve!: (j: DatasetJob) => void
    const finished = new Promise<DatasetJob>((r) => (resolve = r))
    const e: Entry = {
      job: { jobId: randomUUID(), label, status: 'running', fraction: 0, message: 'waiting', datasetId: null, error: null, datasetIds: [], seconds: 0 },
      task,
      ids,
      cleanup,
      worker: null,
      started: Date.now(),
      lastEmit: 0,
      timer: null,
      cancelling: false,
      finished,
      resolve
    }
    this.entries.set(e.job.jobId, e)
    this.prune()
    this.waiting.push(e)
    this.emitJob(e, true)
    this.next()
    return { ...e.job }
  }

  cancel(jobId: string): DatasetJob | undefined {
    const e = this.entries.get(jobId)
    if (!e) return undefined
    if (e.job.status !== 'running') return { ...e.job }
    if (e.worker) {
      // Terminating is safe: the worker's single write transaction either committed or never happens.
      const w = e.worker
      e.worker = null
      e.cancelling = true
      void w.terminate().then(() => this.settleCancelled(e))
    } else {
      this.waiting = this.waiting.filter((x) => x !== e)
      this.finish(e, { status: 'cancelled', message: 'cancelled before it started' })
    }
    return { ...e.job, status: e.job.status === 'running' ? 'cancelled' : e.job.status }
  }

  /** Stop everything (the lab is closing): running workers are terminated, waiting jobs cancelled. */
  async shutdown(): Promise<void> {
    this.closed = true
    for (const e of this.waiting.splice(0)) this.finish(e, { status: 'cancelled', message: 'the lab closed' })
    const a = this.active
    if (a?.worker) {
      const w = a.worker
      a.worker = null
      a.cancelling = true
      await w.terminate()
      this.settleCancelled(a, 'the lab closed')
    }
  }

  private settleCancelled(e: Entry, message = 'cancelled') {
    if (e.job.status !== 'running') return
    // A cancel that raced the final commit: the datasets are there, so the job did finish.
    const stored = e.ids.filter((id) => this.opts.store.get(id))
    if (stored.length === e.ids.length) this.done(e, stored, 'finished before the cancel took effect')
    else this.finish(e, { status: 'cancelled', message })
  }

  private next(): void {
    if (this.active || this.closed) return
    const e = this.waiting.shift()
    if (!e) return
    this.active = e
    e.started = Date.now()
    const data: JobWorkerData = { task: e.task, dataDir: this.opts.dataDir, ids: e.ids }
    const w = new Worker(this.opts.workerUrl, { workerData: data })
    e.worker = w
    e.job.message = 'starting'
    this.emitJob(e)
    w.on('message', (m: JobWorkerMessage) => {
      if (e.job.status !== 'running') return
      if (m.type === 'progress') {
        e.job.fraction = Math.max(e.job.fraction, Math.min(1, m.fraction))
        e.job.message = m.message
        this.emitJob(e)
      } else if (m.type === 'done') this.done(e, m.datasetIds, m.message)
      else this.finish(e, { status: 'failed', message: m.message, error: m.message })
    })
    w.on('error', (err) => {
      if (e.job.status === 'running') this.finish(e, { status: 'failed', message: err.message, error: `the dataset job crashed: ${err.message}` })
    })
    w.on('exit', (code) => {
      if (e.worker === w) e.worker = null
      if (e.job.status === 'running' && !e.cancelling && !this.closed && this.active === e) {
        // Exited without a word (out of memory, …) — unless a cancel is settling it.
        this.finish(e, { status: 'failed', message: `the dataset job exited (code ${code})`, error: `the dataset job exited unexpectedly (code ${code})` })
      }
    })
  }

  private done(e: Entry, ids: string[], message: string) {
    e.job.datasetIds = ids
    e.job.datasetId = ids[0] ?? null
    this.finish(e, { status: 'done', message })
    for (const id of ids) this.opts.emit('datasets.changed', { datasetId: id })
  }

  private finish(e: Entry, r: { status: DatasetJob['status']; message: string; error?: string }) {
    if (e.job.status !== 'running') return
    e.job.status = r.status
    e.job.message = r.message
    e.job.error = r.error ?? null
    if (r.status === 'done') e.job.fraction = 1
    e.job.seconds = (Date.now() - e.started) / 1000
    // Every way a job ends comes through here once (done, failed, cancelled, the lab closing); the worker
    // no longer reads its files by then (it reported, crashed or was terminated).
    for (const dir of e.cleanup.splice(0)) removeQuietly(dir)
    this.emitJob(e, true)
    e.resolve({ ...e.job })
    if (this.active === e) {
      this.active = null
      const w = e.worker
      e.worker = null
      if (w && r.status !== 'done') void w.terminate()
      this.next()
    }
  }

  /** At most one event per EMIT_EVERY_MS per job; the latest state is sent when the window ends. */
  private emitJob(e: Entry, force = false) {
    const send = () => {
      e.timer = null
      e.lastEmit = Date.now()
      e.job.seconds = (Date.now() - e.started) / 1000
      this.opts.emit('datasets.job', { ...e.job })
    }
    if (force) {
      if (e.timer) clearTimeout(e.timer)
      return send()
    }
    if (e.timer) return
    const wait = EMIT_EVERY_MS - (Date.now() - e.lastEmit)
    if (wait <= 0) send()
    else e.timer = setTimeout(send, wait)
  }

  private prune() {
    const done = [...this.entries.values()].filter((e) => e.job.status !== 'running')
    for (const e of done.slice(0, Math.max(0, done.length - KEEP_FINISHED))) this.entries.delete(e.job.jobId)
  }
}
