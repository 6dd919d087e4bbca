import type { Rng } from '../../../src-shared/rng'
import type { RunSummary } from '../../../src-shared/records'
import type { DatasetInfo } from '../../../src-shared/datasets'
import type { tf } from '../compute/backend'
import type { DatasetArrays } from '../store/datasets'
import type { Checkpoint } from '../training/checkpoint'
import type { CollectionHeader, CollectionSample, CollectionSummary } from '../../../src-shared/ising/collection'

/** What a study runner gets: everything it needs to train and log, nothing about transports or the store. */
export interface RunContext {
  tf: typeof tf
  runId: string
  config: any
  seed: number
  rng: Rng
  backend: string
  log(key: string, step: number, value: number): void
  logSeries(key: string, step: number, payload: unknown): void
  artifact(name: string, kind: string, bytes: Uint8Array): void
  /** Cheap to call every step: it only records; the worker sends at most a few batches per second. */
  progress(step: number, totalSteps: number, message?: string): void
  /** The dataset library (read-only), when the run has access to the store; `load` throws for an unknown id. */
  datasets?: { load(id: string): DatasetArrays & { info: DatasetInfo } }
  /**
   * Collections of sampled weight configurations (the effective-model study): read through the worker's read-only
   * connection; `append` sends samples to the engine, which stores them (idempotently, keyed by trial).
   */
  collections?: {
    load(id: string): { summary: CollectionSummary | undefined; samples: CollectionSample[] }
    append(header: CollectionHeader, samples: CollectionSample[]): void
  }
  /** Compute threads this run may use (the queue divides the cores among the runs at once). */
  threads?: number
  /** Set when the run is cancelled; check it between steps. */
  readonly aborted: boolean
  /** Resuming an interrupted or cancelled run: its last checkpoint (the trainer continues from it). */
  resume?: Checkpoint
}

export type StudyRunner = (ctx: RunContext) => Promise<Omit<RunSummary, 'wallSeconds'> & { wallSeconds?: number }>

/** Thrown by a runner to stop with a readable message (e.g. a NaN loss). */
export class RunFailure extends Error {}
