/**
 * The trainer's data: one flat source (inputs, labels or targets) the loop gathers minibatches from, and the
 * seeded train / validation / test split. Stored uint8 inputs (image importers keep pixels as bytes) stay
 * bytes in memory — 60 000 × 784 is 47 MB instead of 188 MB as float32 — and are scaled per gathered batch.
 */
import { createRng } from '../../../src-shared/rng'
import { RunFailure, type RunContext } from '../studies/context'

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
  /**
   * Targets per row (row-major n × outputs) when the network does not learn one-hot labels (±1 for one output,
   * primary/auxiliary, …); absent: one-hot of `labels` over `classes`.
   */
  targets?: Float32Array
  /** Width of a target row: `classes` for one-hot labels. */
  outputs?: number
}

/** Width of one target row of a source. */
export const targetWidth = (src: Source): number => (src.targets ? (src.outputs ?? 1) : src.classes)

/**
 * A dataset of the library with its arrays; a readable failure when the run cannot read the library or the
 * dataset is not in it (`choose` says what to choose instead).
 */
export function loadDataset(ctx: RunContext, id: string, choose = 'choose another dataset'): ReturnType<NonNullable<RunContext['datasets']>['load']> {
  if (!ctx.datasets) throw new RunFailure(`dataset ${id} cannot be loaded: this run has no access to the dataset library`)
  try {
    return ctx.datasets.load(id)
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err)
    if (/not found/i.test(msg)) throw new RunFailure(`dataset ${id} is not in the library (it was deleted, or belongs to another data folder); ${choose}`)
    throw new RunFailure(`dataset ${id} could not be loaded: ${msg}`)
  }
}

/**
 * A classification dataset of the library as a Source; `study` names the caller in messages ("the training
 * study"). Fails with a readable message for a missing, deleted or unsuitable dataset.
 */
export function loadStored(ctx: RunContext, id: string, study: string): Source {
  const { info, x, y } = loadDataset(ctx, id)
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
 * Inputs and targets (one-hot labels, or the source's own targets) of rows order[start … start+size) as fresh
 * arrays (a tensor may keep them). Minibatches are assembled here in JS on purpose: measured on wasm
 * (784-392-50-10, batch 64), copying the rows keeps ≈ 3 900 samples/s, while slicing a batch out of a shuffled
 * on-device tensor halves it.
 */
export function gather(src: Source, order: ArrayLike<number>, start: number, size: number): { x: Float32Array; y: Float32Array } {
  const { dims } = src
  const width = targetWidth(src)
  const x = new Float32Array(size * dims)
  const y = new Float32Array(size * width)
  for (let i = 0; i < size; i++) {
    const r = order[start + i]
    if (src.scale === 1) {
      x.set(src.x.subarray(r * dims, (r + 1) * dims), i * dims)
    } else {
      const base = r * dims
      const out = i * dims
      for (let k = 0; k < dims; k++) x[out + k] = src.x[base + k] * src.scale
    }
    if (src.targets) y.set(src.targets.subarray(r * width, (r + 1) * width), i * width)
    else y[i * width + src.labels[r]] = 1
  }
  return { x, y }
}

export interface Split {
  train: number[]
  /** Empty without a validation split. */
  val: number[]
  test: number[]
}

/**
 * Seeded train / validation / test split by index: the test set is the first ⌈f·n⌉ of a shuffled order (seed
 * `seed`), the validation set a seeded pick (seed `valSeed`) of ⌈v·n⌉ of the rest. Without a validation
 * fraction the split is exactly the two-way split of runs before validation existed.
 */
export function splitRows(n: number, testFraction: number, validationFraction: number, seed: number, valSeed: number): Split {
  const order = createRng(seed).shuffle(Array.from({ length: n }, (_, i) => i))
  const nTest = Math.min(n - 1, Math.max(1, Math.round(testFraction * n)))
  const test = order.slice(0, nTest)
  const rest = order.slice(nTest)
  if (!(validationFraction > 0)) return { train: rest, val: [], test }
  const nVal = Math.min(rest.length - 1, Math.max(1, Math.round(validationFraction * n)))
  if (nVal < 1) throw new RunFailure(`${n} samples cannot be split into train, validation and test sets`)
  const shuffled = createRng(valSeed).shuffle(rest.slice())
  const val = shuffled.slice(0, nVal)
  const inVal = new Set(val)
  return { train: rest.filter((i) => !inVal.has(i)), val, test }
}
