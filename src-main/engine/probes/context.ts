/**
 * The engine side of a probe (src-main/engine/probes/<id>/index.ts): `setup` once per network of a run, then
 * `run` at every due epoch (epoch 0, every N epochs, the last one), `dispose` at the end. A probe that does
 * not apply to a run (a confusion matrix of a regression, images of flat data) says why and is skipped; a probe
 * is never run when it is not due, so it costs nothing then.
 */
import type { LayersModel, Scalar, Tensor } from '@tensorflow/tfjs'
import type { ProbeDescriptor } from '../../../src-shared/probes'
import type { tf as TF } from '../compute/backend'
import { createRng } from '../../../src-shared/rng'
import type { RunContext } from '../studies/context'
import { gather, targetWidth, type Source } from '../training/data'

/** The network a probe measures, as the trainer trains it. */
export interface ProbedNetwork {
  /** '' for a run's only network; 'neural', 'linear', … where a study trains several (keys carry it). */
  name: string
  model: LayersModel
  /** The training loss of raw outputs against targets. */
  loss(outputs: Tensor, targets: Tensor): Scalar
  /** The loss by name, for measurements that need it ('mse' | 'softmax-cross-entropy'); absent for custom losses. */
  lossName?: 'mse' | 'softmax-cross-entropy'
  /** Inference-mode outputs (no dropout, batch-norm's moving statistics). */
  infer(x: Tensor): Tensor
  accuracy: 'argmax' | 'sign'
}

export interface ProbeData {
  source: Source
  train: readonly number[]
  val: readonly number[]
  test: readonly number[]
  /** The rows the trainer evaluates as "train" (a fixed subset for large datasets). */
  trainEval: readonly number[]
}

export interface ProbeContext<P = any> {
  tf: typeof TF
  /** The run: `log` here also keeps the value as the run's final value of the key (non-finite values are skipped). */
  run: Pick<RunContext, 'log' | 'logSeries' | 'progress' | 'aborted' | 'runId'>
  params: P
  /** Seed of this probe in this run (derived from the run's seed, the probe id and the network). */
  seed: number
  /** The run's own seed (a probe that predates the registry keeps deriving its streams from it). */
  runSeed: number
  network: ProbedNetwork
  data: ProbeData
  epochs: number
  /** The full key of a probe output: `<probe id>/<network>/<sub>` (no network segment for a run's only one). */
  key(sub: string): string
  /** Report that the probe does not apply to this run (logged once as a warning); returns null for `setup`. */
  skip(reason: string): null
}

export interface ProbeInstance {
  /** Measure and log at this point of training; false when cancelled part-way. */
  run(at: { epoch: number; step: number; totalSteps: number }): boolean | void
  dispose(): void
}

export interface ProbeImpl<P = any> {
  descriptor: ProbeDescriptor<P>
  setup(pc: ProbeContext<P>): ProbeInstance | null
}

export function defineProbeImpl<P>(descriptor: ProbeDescriptor<P>, setup: (pc: ProbeContext<P>) => ProbeInstance | null): ProbeImpl<P> {
  return { descriptor, setup }
}

/** Layers of a model with weights, labelled as probe keys use them ('dense1', 'conv2d2', 'output'). */
export function weightedLayers(model: LayersModel): { label: string; layer: LayersModel['layers'][number]; index: number }[] {
  const counts = new Map<string, number>()
  const out: { label: string; layer: LayersModel['layers'][number]; index: number }[] = []
  const last = model.layers.length - 1
  model.layers.forEach((layer, index) => {
    if (!layer.trainableWeights.length) return
    const kind = layer.getClassName().toLowerCase().replace('batchnormalization', 'batchnorm')
    const n = (counts.get(kind) ?? 0) + 1
    counts.set(kind, n)
    out.push({ label: index === last ? 'output' : `${kind}${n}`, layer, index })
  })
  return out
}

/** A probe's fixed subset of rows: the first `n` of a seeded shuffle of them (all of them when there are fewer). */
export function seededSubset(rows: readonly number[], n: number, seed: number): number[] {
  return createRng(seed).shuffle(rows.slice()).slice(0, Math.min(n, rows.length))
}

/** Rows a probe evaluates per pass: a CNN's activations (and their gradients) for 10 000 images would not fit at once. */
export const PROBE_CHUNK = 500

/** The rows' inputs (and targets) as tensors of at most PROBE_CHUNK rows each, with each chunk's share of the rows. */
export function chunkTensors(tf: typeof TF, src: Source, rows: readonly number[], withTargets: boolean): { x: Tensor; y: Tensor | null; size: number; share: number }[] {
  const chunks: { x: Tensor; y: Tensor | null; size: number; share: number }[] = []
  for (let start = 0; start < rows.length; start += PROBE_CHUNK) {
    const size = Math.min(PROBE_CHUNK, rows.length - start)
    const b = gather(src, rows, start, size)
    chunks.push({ x: tf.tensor(b.x, [size, ...src.sample]), y: withTargets ? tf.tensor2d(b.y, [size, targetWidth(src)]) : null, size, share: size / rows.length })
  }
  return chunks
}
