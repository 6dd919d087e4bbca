import type { BackendName, RunEnvironment, RunSummary } from '../../../src-shared/records'
import type { CollectionHeader, CollectionSample } from '../../../src-shared/ising/collection'
import type { RunBatch } from './batcher'

/** What the engine hands a run worker. */
export interface WorkerInput {
  runId: string
  studyId: string
  config: unknown
  seed: number
  backend: BackendName
  /** Compute threads this run may use (src-shared/threads.ts); only multi-threaded backends use them. */
  threads: number
  /** The store's database file: the worker opens it read-only to load library datasets (absent: no library access). */
  dbPath?: string
  /** Int32Array over it: [0] = 1 when the run is cancelled. Shared, so the training loop sees it without yielding. */
  abort: SharedArrayBuffer
  /** Continue from the run's checkpoint artifact (read from the store by the worker). */
  resume?: boolean
}

/** Messages from a run worker to the engine. */
export type WorkerMessage =
  | { type: 'started'; backend: BackendName; environment: RunEnvironment }
  | { type: 'batch'; batch: RunBatch }
  /** Samples for a weight collection, sent as each trial ends (stored by the engine, idempotently). */
  | { type: 'collection'; header: CollectionHeader; samples: CollectionSample[] }
  | { type: 'done'; summary: RunSummary; cancelled: boolean }
  | { type: 'failed'; error: string }
