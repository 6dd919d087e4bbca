/**
 * The training study's data: an inline toy dataset (generated from the config) or a stored library dataset
 * (loaded by id through the run context), as one flat source the loop gathers minibatches from.
 * Stored uint8 inputs (image importers keep pixels as bytes) stay bytes in memory — 60 000 × 784 is 47 MB
 * instead of 188 MB as float32 — and are scaled to [0, 1] per gathered batch.
 */
import { deriveSeed } from '../../../../src-shared/rng'
import type { TrainingConfig } from '../../../../src-shared/studies/training'
import { generateToy } from '../../datasets/toy'
import { RunFailure, type RunContext } from '../context'

export interface Source {
  /** Row-major n × prod(sample). */
  x: Float32Array | Uint8Array
  labels: Int32Array
  n: number
  /** Shape of one sample: [d] or [H, W, C]. */
  sample: number[]
  /** prod(sample). */
  dims: number
  classes: number
  /** Multiplier applied when gathering (1/255 for uint8 inputs, 1 otherwise). */
  scale: number
  /** What the run trained on, for messages: 'two-spirals' or 'dataset "Fashion-MNIST" (id …)'. */
  label: string
  stored: boolean
  /** Class names of a stored dataset (null when it has none, and for toy data). */
  classNames: string[] | null
}

export function loadSource(ctx: RunContext, cfg: TrainingConfig): Source {
  if (cfg.dataset.kind !== 'stored') {
    const d = generateToy(cfg.dataset, deriveSeed(ctx.seed, 'data'))
    return { x: d.x, labels: d.y, n: d.n, sample: [d.dims], dims: d.dims, classes: d.classes, scale: 1, label: cfg.dataset.kind, stored: false, classNames: null }
  }
  const id = cfg.dataset.datasetId
  if (!id) throw new RunFailure('dataset.kind is "stored" but no datasetId was given; choose a dataset from the library')
  return loadStored(ctx, id, 'the training study')
}

/**
 * A classification dataset of the library as a Source; `study` names the caller in messages ("the training
 * study"). Fails with a readable message for a missing, deleted or unsuitable dataset.
 */
export function loadStored(ctx: RunContext, id: string, study: string): Source {
  if (!ctx.datasets) throw new RunFailure(`dataset ${id} cannot be loaded: this run has no access to the dataset library`)
  let loaded: ReturnType<NonNullable<RunContext['datasets']>['load']>
  try {
    loaded = ctx.datasets.load(id)
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err)
    if (/not found/i.test(msg)) throw new RunFailure(`dataset ${id} is not in the library (it was deleted, or belongs to another data folder); choose another dataset`)
    throw new RunFailure(`dataset ${id} could not be loaded: ${msg}`)
  }
  const { info, x, y } = loaded
  const name = `dataset "${info.name}"`
  if (info.shape.task !== 'classification' || !info.shape.classes) {
    throw new RunFailure(`${name} is a ${info.shape.task} dataset; ${study} classifies (choose a dataset with class labels)`)
  }
  if (info.shape.classes < 2) throw new RunFailure(`${name} has ${info.shape.classes} class; ${study} needs at least 2`)
  const dims = info.shape.sample.reduce((a, b) => a * b, 1)
  if (info.shape.n < 2) throw new RunFailure(`${name} has ${info.shape.n} sample(s); it needs at least 2 to split into train and test`)
  return {
    x,
    labels: y as Int32Array,
    n: info.shape.n,
    sample: info.shape.sample,
    dims,
    classes: info.shape.classes,
    scale: x instanceof Uint8Array ? 1 / 255 : 1,
    label: name,
    stored: true,
    classNames: info.classNames
  }
}

/**
 * Inputs and one-hot targets of rows order[start … start+size) as fresh arrays (a tensor may keep them).
 * Minibatches are assembled here in JS on purpose: measured on wasm (784-392-50-10, batch 64), copying the
 * rows keeps ≈ 3 900 samples/s, while slicing a batch out of a shuffled on-device tensor halves it.
 */
export function gather(src: Source, order: ArrayLike<number>, start: number, size: number): { x: Float32Array; y: Float32Array } {
  const { dims, classes } = src
  const x = new Float32Array(size * dims)
  const y = new Float32Array(size * classes)
  for (let i = 0; i < size; i++) {
    const r = order[start + i]
    if (src.scale === 1) {
      x.set(src.x.subarray(r * dims, (r + 1) * dims), i * dims)
    } else {
      const base = r * dims
      const out = i * dims
      for (let k = 0; k < dims; k++) x[out + k] = src.x[base + k] * src.scale
    }
    y[i * classes + src.labels[r]] = 1
  }
  return { x, y }
}
