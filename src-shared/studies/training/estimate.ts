/** The `training` study's resource estimate (src-shared/training/estimate.ts) from its config and its data's shape. */
import { estimateWorkload, graphCost, layerListCost, type DataShape, type ResourceEstimate } from '../../training/estimate'
import type { TrainingConfig } from './config'

export type { DataShape } from '../../training/estimate'

/** Stored datasets are evaluated in chunks of this many rows (a CNN's activations for 10 000 images do not fit at once). */
export const EVAL_CHUNK = 500
/**
 * Stored datasets: the per-epoch train/* metrics are measured on a fixed seeded subset of at most this many
 * training samples (a full pass over 60 000 images would cost a third of an epoch's training); val/* and
 * test/* always use the whole split. Toy datasets are evaluated on everything.
 */
export const TRAIN_EVAL_MAX = 10_000

/** The data shape of a toy config; null for a library dataset (its shape comes with the dataset). */
export function toyDataShape(c: TrainingConfig): DataShape | null {
  const d = c.dataset
  if (d.kind === 'stored') return null
  return d.kind === 'random-labels' ? { n: d.n, sample: [d.dims], classes: d.classes, uint8: false } : { n: d.n, sample: [2], classes: 2, uint8: false }
}

/** The estimate of a run of `c`; `library` is the shape of its library dataset (null when unknown: no estimate). */
export function estimateTraining(c: TrainingConfig, library: DataShape | null = null): ResourceEstimate | null {
  const data = c.dataset.kind === 'stored' ? library : toyDataShape(c)
  if (!data) return null
  const cost = c.network.form === 'graph' ? graphCost(c.network.graph, data.sample, data.classes) : layerListCost(c.network.layers, data.sample, data.classes)
  if (!cost) return null
  const d = c.dataset
  const nTest = Math.min(data.n - 1, Math.max(1, Math.round(d.testFraction * data.n)))
  const nVal = d.validationFraction > 0 ? Math.max(1, Math.round(d.validationFraction * data.n)) : 0
  const nTrain = Math.max(0, data.n - nTest - nVal)
  const stored = d.kind === 'stored'
  return estimateWorkload({
    cost,
    n: data.n,
    dims: data.sample.reduce((a, b) => a * b, 1),
    classes: data.classes,
    uint8: data.uint8,
    trainSamples: nTrain,
    evalSamples: (stored ? Math.min(nTrain, TRAIN_EVAL_MAX) : nTrain) + nVal + nTest,
    evalChunk: stored ? EVAL_CHUNK : null,
    batchSize: c.batchSize,
    epochs: c.epochs,
    optimizerSlots: c.optimizer.kind === 'adam' ? 2 : c.optimizer.momentum > 0 ? 1 : 0
  })
}
