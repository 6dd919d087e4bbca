/** Messages between the engine and a dataset job's worker thread (jobWorker.ts). */
import type { ImportOptions } from './importers'
import type { Transform } from './transforms'

export type JobTask =
  | { op: 'import'; options: ImportOptions }
  | { op: 'transform'; id: string; transform: Transform; name?: string }
  | { op: 'builtin-mnist' }

export interface JobWorkerData {
  task: JobTask
  dataDir: string
  /** Ids for the datasets the job makes, chosen by the engine so a job cut off mid-commit can be checked. */
  ids: string[]
}

export type JobWorkerMessage =
  | { type: 'progress'; fraction: number; message: string }
  | { type: 'done'; datasetIds: string[]; message: string }
  | { type: 'error'; message: string; input: boolean }
