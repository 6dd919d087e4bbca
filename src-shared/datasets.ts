/**
 * Datasets as the lab stores them: one record per dataset (generated, imported, derived by a
 * transform, or built in), its arrays kept as BLOBs in the store. Shared by engine and renderer.
 */

/** Element type of the stored inputs: image importers keep uint8 pixels (scaled to [0, 1] when trained on). */
export type InputDtype = 'float32' | 'uint8'

export type DatasetKind = 'generated' | 'imported' | 'derived' | 'builtin'

export interface DatasetShape {
  /** Number of samples. */
  n: number
  /** Shape of one sample: [2] for 2-D points, [784] for flat vectors, [28, 28, 1] for images (H, W, C). */
  sample: number[]
  dtype: InputDtype
  task: 'classification' | 'regression'
  /** Classification: number of classes (labels are 0 … classes−1). Regression: null. */
  classes: number | null
  /** Regression: number of target values per sample. Classification: 1. */
  targets: number
}

export interface DatasetInfo {
  id: string
  name: string
  kind: DatasetKind
  /** What produced it: a generator spec, the imported files, or a transform of its parent. */
  spec: unknown
  /** Where it came from (files, sizes, checksums of the source, package, parent, time). */
  provenance: Record<string, unknown>
  shape: DatasetShape
  classNames: string[] | null
  /** Samples per class (classification only). */
  classCounts: number[] | null
  /** Bytes of the stored arrays. */
  sizeBytes: number
  /** sha256 of the stored arrays (x then y). */
  checksum: string
  parentId: string | null
  createdAt: number
}

/** A parameter of a generator or transform, enough to build a form and validate it. */
export interface ParamSpec {
  key: string
  label: string
  type: 'int' | 'number' | 'enum' | 'boolean'
  default: number | string | boolean
  min?: number
  max?: number
  options?: string[]
  help?: string
}

export interface GeneratorDescriptor {
  id: string
  title: string
  /** Where the dataset comes from (seed document and section). */
  source: string
  /** Input dimensions of the points it makes. */
  dims: number
  task: 'classification' | 'regression'
  params: ParamSpec[]
}

/** Progress of long dataset work (import, transform) — pushed as `datasets.job` events. */
export interface DatasetJob {
  jobId: string
  label: string
  status: 'running' | 'done' | 'failed' | 'cancelled'
  fraction: number
  message: string
  datasetId: string | null
  error: string | null
  /** Every dataset the job made (a split makes two: train, then test). */
  datasetIds?: string[]
  /** Wall time of the job so far, in seconds. */
  seconds?: number
}
