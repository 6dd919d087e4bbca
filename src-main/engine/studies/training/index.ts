/**
 * Runner of the `training` study on the lab's trainer. Data: an inline toy dataset or a stored library dataset
 * (flat vectors or [H, W, C] images; uint8 pixels are scaled to [0, 1]), split train / validation / test with
 * the seeded split. Networks: a layer list (dense, conv, pooling, flatten, dropout, batch-norm) or a graph. Its
 * own measurement is the decision boundary of 2-D data; everything else (probes, schedules, early stopping,
 * checkpoints) is the trainer's.
 */
import type { Tensor, Tensor2D } from '@tensorflow/tfjs'
import { createRng, deriveSeed } from '../../../../src-shared/rng'
import { EVAL_CHUNK, TRAIN_EVAL_MAX, estimateTraining, type DatasetSpec, type TrainingConfig } from '../../../../src-shared/studies/training'
import { buildGraphNetwork } from '../../compute/graphNetwork'
import { serializeModel } from '../../compute/mlp'
import { buildNetwork, NetworkError } from '../../compute/network'
import { trainingLoss } from '../../compute/outputs'
import { generateToy } from '../../datasets/toy'
import { loadStored, splitRows, type Source, type Split } from '../../training/data'
import { checkMemory } from '../../training/resources'
import { train, type EvalSpec } from '../../training/trainer'
import { RunFailure, type RunContext, type StudyRunner } from '../context'
import { boundaryGrid, boundarySnapshot } from './boundary'

const MAX_POINTS_SHOWN = 1500

/** The training study's data as a trainer source. */
export function loadSource(ctx: Pick<RunContext, 'seed' | 'datasets'>, d: DatasetSpec): Source {
  if (d.kind !== 'stored') {
    const t = generateToy(d, deriveSeed(ctx.seed, 'data'))
    return { x: t.x, labels: t.y, n: t.n, sample: [t.dims], dims: t.dims, classes: t.classes, scale: 1, label: d.kind, stored: false, classNames: null }
  }
  if (!d.datasetId) throw new RunFailure('dataset.kind is "stored" but no datasetId was given; choose a dataset from the library')
  return loadStored(ctx as RunContext, d.datasetId, 'the training study')
}

/** The run's seeded train / validation / test split (the same for the run, its probes and later analyses). */
export function runSplit(n: number, d: DatasetSpec, seed: number): Split {
  return splitRows(n, d.testFraction, d.validationFraction, deriveSeed(seed, 'split'), deriveSeed(seed, 'validation'))
}

export const runTraining: StudyRunner = async (ctx: RunContext) => {
  const { tf } = ctx
  const cfg = ctx.config as TrainingConfig
  // Generated data is sized by the config: check before generating it; a library dataset once it is read.
  if (cfg.dataset.kind !== 'stored') checkMemory(estimateTraining(cfg), ctx.backend)
  const data = loadSource(ctx, cfg.dataset)
  if (data.stored) checkMemory(estimateTraining(cfg, { n: data.n, sample: data.sample, classes: data.classes, uint8: data.x instanceof Uint8Array }), ctx.backend)
  const split = runSplit(data.n, cfg.dataset, ctx.seed)
  const classes = data.classes

  let model: import('@tensorflow/tfjs').LayersModel
  try {
    model =
      cfg.network.form === 'graph'
        ? buildGraphNetwork(tf, cfg.network.graph, data.sample, classes, ctx.seed)
        : buildNetwork(tf, cfg.network.layers, data.sample, classes, ctx.seed)
  } catch (err) {
    if (err instanceof NetworkError) throw new RunFailure(`the network does not fit ${data.label} (samples ${data.sample.join('×')}): ${err.message}`)
    throw err
  }

  // The decision boundary (and the points under it) exist for 2-D inputs only.
  const planar = data.sample.length === 1 && data.dims === 2 && !!cfg.boundary
  const boundary = cfg.boundary ?? { every: 0, resolution: 100 }
  const boundaryEvery = boundary.every > 0 ? boundary.every : Math.max(1, Math.ceil(cfg.epochs / 50))
  if (planar) {
    // Points shown under the boundary: a fixed, seeded subsample; split 1 = held out (validation or test).
    const shown = createRng(deriveSeed(ctx.seed, 'shown')).shuffle(Array.from({ length: data.n }, (_, i) => i)).slice(0, MAX_POINTS_SHOWN)
    const heldOut = new Set([...split.test, ...split.val])
    ctx.logSeries('points', 0, {
      x: shown.map((i) => +(data.x[2 * i] * data.scale).toFixed(4)),
      y: shown.map((i) => +(data.x[2 * i + 1] * data.scale).toFixed(4)),
      label: shown.map((i) => data.labels[i]),
      split: shown.map((i) => (heldOut.has(i) ? 1 : 0))
    })
  }
  const planarX = planar ? (data.x instanceof Float32Array && data.scale === 1 ? data.x : Float32Array.from(data.x, (v) => v * data.scale)) : null
  const { extent, grid } = planarX ? boundaryGrid(planarX, boundary.resolution) : { extent: [0, 0, 0, 0] as [number, number, number, number], grid: null }
  const gridTensor = grid ? tf.tensor2d(grid, [boundary.resolution ** 2, 2]) : null
  const infer = (x: Tensor) => model.apply(x, { training: false }) as Tensor2D
  // Shown confidence: softmax of x (for exp-GA that is y / Σy); squared-error outputs near {0, 1} or {−1, 1} sharpened.
  const sharpen = cfg.loss === 'mse' || cfg.loss === 'linear-mse' || cfg.loss === 'sigmoid-mse' || cfg.loss === 'tanh-mse'
  const probabilities = (x: Tensor2D) => (sharpen ? tf.softmax(infer(x).mul(4)) : tf.softmax(infer(x))) as Tensor2D
  const lossName = cfg.loss === 'mse' || cfg.loss === 'softmax-cross-entropy' ? cfg.loss : undefined

  const chunk = data.stored ? EVAL_CHUNK : null
  const trainEvalRows =
    data.stored && split.train.length > TRAIN_EVAL_MAX ? createRng(deriveSeed(ctx.seed, 'train-eval')).shuffle(split.train.slice()).slice(0, TRAIN_EVAL_MAX) : split.train
  const evalSets: EvalSpec[] = [
    { split: 'train', rows: trainEvalRows, chunk },
    ...(split.val.length ? [{ split: 'val' as const, rows: split.val, chunk }] : []),
    { split: 'test', rows: split.test, chunk }
  ]

  try {
    const r = await train({
      ctx,
      source: data,
      trainRows: split.train,
      evalSets,
      members: [{ prefix: '', name: '', model, optimizer: cfg.optimizer, loss: (out, y) => trainingLoss(tf, cfg.loss, cfg.lossParams, out, y), lossName, accuracy: 'argmax', infer }],
      epochs: cfg.epochs,
      batchSize: cfg.batchSize,
      shuffleSeed: deriveSeed(ctx.seed, 'shuffle'),
      logEvery: cfg.logEvery,
      schedule: cfg.schedule,
      weightDecay: cfg.weightDecay,
      earlyStopping: cfg.earlyStopping,
      checkpointEvery: cfg.checkpointEvery,
      probes: cfg.probes,
      resume: ctx.resume,
      hooks: {
        afterEpoch: (s) => {
          if (gridTensor && (s.epoch % boundaryEvery === 0 || s.last)) {
            ctx.logSeries('boundary', s.step, boundarySnapshot(tf, probabilities, gridTensor, boundary.resolution, extent, classes))
          }
        }
      }
    })
    // The trained weights, as far as training got (cancelled runs keep theirs too; early stopping: the best).
    ctx.artifact('model.json', 'tfjs-layers-model', await serializeModel(tf, model))
    return {
      final: r.final,
      ...(Object.keys(r.best).length ? { best: r.best } : {}),
      steps: r.steps,
      epochs: r.epochs,
      wallSeconds: r.wallSeconds,
      samplesPerSecond: r.samplesPerSecond,
      ...(r.stoppedEarly ? { stoppedEarly: r.stoppedEarly } : {})
    }
  } finally {
    gridTensor?.dispose()
    model.dispose()
  }
}
