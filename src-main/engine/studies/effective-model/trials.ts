/**
 * The effective-model study's trial pool: independent binary-net trials on worker threads (./trialWorker.ts),
 * one trial per message so no thread idles while another finishes a long one, results handed back as they come
 * (the runner stores each at once — a stop or a crash loses at most the trials in flight). Where the worker file
 * is not built (unit tests running the source), trials run inline on the run's own thread.
 */
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import { trainTrial, type LabelledSet, type TrialResult as BinaryTrialResult } from '../../../../src-shared/ising/binaryNet'

export interface TrialPoolData {
  train: LabelledSet
  test: LabelledSet
  sizes: number[]
  epochs: number
  batchesPerEpoch: number
  batchSize: number
  learningRate: number
  l2: number
  theta0Std: number
  samples: number
  threshold: number
}

export interface TrialRequest {
  trial: number
  seed: number
}

/** A finished trial as the pool reports it: the trainer's result without the fields θ (not needed, not sent). */
export type TrialResult = Omit<BinaryTrialResult, 'theta'> & { trial: number }

export function trainOne(d: TrialPoolData, req: TrialRequest, shouldStop: () => boolean): TrialResult {
  const r = trainTrial(d.train, d.test, {
    sizes: d.sizes,
    epochs: d.epochs,
    batchesPerEpoch: d.batchesPerEpoch,
    batchSize: d.batchSize,
    lr: d.learningRate,
    l2: d.l2,
    theta0Std: d.theta0Std,
    samples: d.samples,
    threshold: d.threshold,
    seed: req.seed,
    shouldStop
  })
  return { trial: req.trial, spins: r.spins, testAccuracy: r.testAccuracy, trainAccuracy: r.trainAccuracy, accepted: r.accepted, curve: r.curve, seconds: r.seconds, stopped: r.stopped }
}

/** The built trial worker beside the run worker (or one folder up, when the caller sits in a chunk). */
export function trialWorkerUrl(base: string | URL = import.meta.url): URL | null {
  for (const rel of ['./isingTrialWorker.js', '../isingTrialWorker.js']) {
    const url = new URL(rel, base)
    try {
      if (url.protocol === 'file:' && existsSync(fileURLToPath(url))) return url
    } catch {
      // not a file URL: no worker
    }
  }
  return null
}

export interface PoolOptions {
  workers: number
  isAborted: () => boolean
  onResult: (r: TrialResult) => void
  /** Override for tests; null forces inline. */
  workerUrl?: URL | null
}

/** Train every request; resolves when all are done or the run was stopped (stopped trials are not reported). */
export async function runTrialPool(data: TrialPoolData, requests: TrialRequest[], opts: PoolOptions): Promise<{ threads: number; inline: boolean }> {
  const url = opts.workerUrl === undefined ? trialWorkerUrl() : opts.workerUrl
  if (!url || opts.workers < 1) {
    for (const req of requests) {
      if (opts.isAborted()) break
      const r = trainOne(data, req, opts.isAborted)
      if (!r.stopped) opts.onResult(r)
      await new Promise((res) => setImmediate(res)) // let a cancel arrive between trials
    }
    return { threads: 1, inline: true }
  }
  const abortBuf = new SharedArrayBuffer(4)
  const abort = new Int32Array(abortBuf)
  const threads = Math.max(1, Math.min(opts.workers, requests.length))
  const queue = requests.slice()
  const workers: Worker[] = []
  const poll = setInterval(() => {
    if (opts.isAborted()) Atomics.store(abort, 0, 1)
  }, 100)
  try {
    await new Promise<void>((resolve, reject) => {
      let busy = 0
      let failed = false
      const fail = (err: Error) => {
        if (failed) return
        failed = true
        Atomics.store(abort, 0, 1)
        reject(err)
      }
      const feed = (w: Worker) => {
        const next = Atomics.load(abort, 0) === 1 ? undefined : queue.shift()
        if (next) {
          busy++
          w.postMessage(next)
        } else if (busy === 0 && !failed) resolve()
      }
      for (let i = 0; i < threads; i++) {
        const w = new Worker(url, { workerData: { ...data, abort: abortBuf } })
        workers.push(w)
        w.on('message', (m: { ok: true; result: TrialResult } | { ok: false; trial: number; error: string }) => {
          busy--
          if (!m.ok) return fail(new Error(`trial ${m.trial} failed: ${m.error}`))
          if (!m.result.stopped) {
            try {
              opts.onResult(m.result)
            } catch (err) {
              return fail(err instanceof Error ? err : new Error(String(err)))
            }
          }
          feed(w)
        })
        w.on('error', (err) => fail(new Error(`a trial thread failed: ${err.message}`)))
        w.on('exit', (code) => {
          if (code !== 0) fail(new Error(`a trial thread exited with code ${code}`))
        })
      }
      for (const w of workers) feed(w)
    })
  } finally {
    clearInterval(poll)
    await Promise.all(workers.map((w) => w.terminate()))
  }
  return { threads, inline: false }
}
