/**
 * Entry of a run worker thread: for each run it is handed, activate the backend, run the study and stream
 * batches back. A worker serves runs one after another, so tfjs and the wasm module are compiled once per
 * worker rather than once per run (measured: that compile kept a second core half busy for small runs).
 */
import Database from 'better-sqlite3'
import { parentPort } from 'node:worker_threads'
import { createRng, deriveSeed } from '../../src-shared/rng'
import type { RunEnvironment } from '../../src-shared/records'
import { setComputeThreads, tf, useBackend } from './compute/backend'
import { MetricBatcher } from './runs/batcher'
import type { WorkerInput, WorkerMessage } from './runs/messages'
import { DatasetStore } from './store/datasets'
import { WeightCollectionStore } from './store/weightCollections'
import { findRunner } from './studies'
import type { RunContext } from './studies/context'
import { CHECKPOINT_ARTIFACT, decodeCheckpoint, type Checkpoint } from './training/checkpoint'
import { version } from './version'

const post = (m: WorkerMessage) => parentPort!.postMessage(m)

/**
 * Library datasets, read straight from the store file in this thread (read-only connection, opened on first use).
 * Measured for 60 000 × 784 uint8 (47 MB, Fashion-MNIST train): open + read + copy ≈ 75 ms here, in the worker;
 * having the engine read the BLOB and send it in workerData would block the engine's thread for the read plus
 * ≈ 20 ms of structured clone per run start, and hold a second copy in the engine meanwhile.
 */
function storeReader(dbPath: string | undefined): { datasets: RunContext['datasets']; collections: (id: string) => ReturnType<NonNullable<RunContext['collections']>['load']>; close(): void } | undefined {
  if (!dbPath) return undefined
  let db: Database.Database | null = null
  const open = () => {
    if (!db) {
      db = new Database(dbPath, { readonly: true, fileMustExist: true })
      db.pragma('busy_timeout = 5000')
    }
    return db
  }
  return {
    close: () => db?.close(),
    datasets: { load: (id) => new DatasetStore(open()).loadArrays(id) },
    collections: (id) => {
      const store = new WeightCollectionStore(open())
      return { summary: store.get(id), samples: store.samples(id) }
    }
  }
}

/** The run's checkpoint artifact, read from the store file in this thread. */
function readCheckpoint(dbPath: string | undefined, runId: string): Checkpoint {
  if (!dbPath) throw new Error('this run cannot be resumed here: the worker has no access to the store')
  const db = new Database(dbPath, { readonly: true, fileMustExist: true })
  try {
    db.pragma('busy_timeout = 5000')
    const row = db.prepare('SELECT bytes FROM artifacts WHERE run_id = ? AND name = ?').get(runId, CHECKPOINT_ARTIFACT) as { bytes: Buffer } | undefined
    if (!row) throw new Error('the run has no checkpoint to resume from')
    return decodeCheckpoint(new Uint8Array(row.bytes.buffer, row.bytes.byteOffset, row.bytes.byteLength))
  } finally {
    db.close()
  }
}

function environment(backend: string, threads: number | null): RunEnvironment {
  return { app: version, tfjs: tf.version.tfjs, backend, node: process.version, platform: `${process.platform}-${process.arch}`, ...(threads ? { threads } : {}) }
}

async function runOne(input: WorkerInput): Promise<void> {
  const abortFlag = new Int32Array(input.abort)
  const batcher = new MetricBatcher((batch) => post({ type: 'batch', batch }))
  const reader = storeReader(input.dbPath)
  try {
    const runner = findRunner(input.studyId)
    if (!runner) throw new Error(`no runner for study "${input.studyId}"`)
    await useBackend(input.backend)
    const threads = setComputeThreads(input.backend, input.threads)
    const resume = input.resume ? readCheckpoint(input.dbPath, input.runId) : undefined
    post({ type: 'started', backend: input.backend, environment: environment(input.backend, threads) })
    const started = performance.now()
    // A resumed run repeats its set-up (data, model): what it logs at or before the checkpoint's step is stored already.
    const after = resume ? resume.step : -1
    const ctx: RunContext = {
      tf,
      runId: input.runId,
      config: input.config,
      seed: input.seed,
      rng: createRng(deriveSeed(input.seed, 'study')),
      backend: input.backend,
      datasets: reader?.datasets,
      collections: {
        load: (id) => reader?.collections(id) ?? { summary: undefined, samples: [] },
        append: (header, samples) => post({ type: 'collection', header, samples })
      },
      threads: threads ?? input.threads,
      resume,
      log: (key, step, value) => step > after && batcher.scalar(key, step, value),
      logSeries: (key, step, payload) => step > after && batcher.seriesEntry(key, step, payload),
      artifact: (name, kind, bytes) => batcher.artifact(name, kind, bytes),
      progress: (step, totalSteps, message = '') => batcher.setProgress(step, totalSteps, message),
      get aborted() {
        return Atomics.load(abortFlag, 0) === 1
      }
    }
    const summary = await runner(ctx)
    batcher.flush()
    post({
      type: 'done',
      cancelled: ctx.aborted,
      summary: { ...summary, wallSeconds: summary.wallSeconds ?? (performance.now() - started) / 1000 }
    })
  } catch (err) {
    batcher.flush() // keep everything logged before the failure
    post({ type: 'failed', error: err instanceof Error ? err.message : String(err) })
  } finally {
    reader?.close()
    // Nothing may outlive a run in a reused worker (the runner disposes its tensors; this catches the rest).
    tf.disposeVariables()
  }
}

parentPort!.on('message', (m: { type: 'run'; input: WorkerInput }) => {
  if (m.type === 'run') void runOne(m.input)
})
