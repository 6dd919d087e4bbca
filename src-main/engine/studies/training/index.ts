/**
 * Runner of the `training` study: a custom loop (not model.fit) so that per-step work is one
 * optimizer step — losses are read back only on logging steps, evaluation and the boundary per epoch.
 * Data: an inline toy dataset or a stored library dataset (flat vectors or [H, W, C] images; uint8 pixels are
 * scaled to [0, 1]), split train/test by `testFraction` with the seeded split. Networks: any layer list
 * the shared shape inference accepts (dense, conv, pooling, flatten, dropout, batch-norm).
 */
import type { Tensor } from '@tensorflow/tfjs'
import { createRng, deriveSeed } from '../../../../src-shared/rng'
import type { TrainingConfig } from '../../../../src-shared/studies/training'
import { disposeOptimizer, lossOf, makeOptimizer, serializeModel } from '../../compute/mlp'
import { buildGraphNetwork } from '../../compute/graphNetwork'
import { buildNetwork, NetworkError } from '../../compute/network'
import { splitIndices } from '../../datasets/toy'
import { boundaryGrid, boundarySnapshot } from '../../probes/decisionBoundary'
import { RunFailure, type RunContext, type StudyRunner } from '../context'
import { gather, loadSource, type Source } from './data'
import { trainingElasticityProbe } from '../elasticity/trainingProbe'

const MAX_POINTS_SHOWN = 1500
/** Stored datasets are evaluated in chunks (a CNN's activations for 10 000 images do not fit at once). */
const EVAL_CHUNK = 500
/**
 * Stored datasets: the per-epoch train/* metrics are measured on a fixed seeded subset of at most this many
 * training samples (a full pass over 60 000 images would cost a third of an epoch's training); test/* always
 * uses the whole test split. Toy datasets are evaluated on everything, as before.
 */
const TRAIN_EVAL_MAX = 10_000

export const runTraining: StudyRunner = async (ctx: RunContext) => {
  const { tf } = ctx
  const cfg = ctx.config as TrainingConfig
  const data: Source = loadSource(ctx, cfg)
  const split = splitIndices(data.n, cfg.dataset.testFraction, deriveSeed(ctx.seed, 'split'))
  const classes = data.classes
  const nTrain = split.train.length
  const stepsPerEpoch = Math.ceil(nTrain / cfg.batchSize)
  const totalSteps = stepsPerEpoch * cfg.epochs
  const boundaryEvery = cfg.boundaryEvery > 0 ? cfg.boundaryEvery : Math.max(1, Math.ceil(cfg.epochs / 50))
  const batchShape = (size: number) => [size, ...data.sample]

  let model: import('@tensorflow/tfjs').LayersModel
  try {
    // A graph, when the config has one, is the network (a functional model); otherwise the layer list.
    model = cfg.network.graph
      ? buildGraphNetwork(tf, cfg.network.graph, data.sample, classes, ctx.seed)
      : buildNetwork(tf, cfg.network.layers, data.sample, classes, ctx.seed)
  } catch (err) {
    if (err instanceof NetworkError) throw new RunFailure(`the network does not fit ${data.label} (samples ${data.sample.join('×')}): ${err.message}`)
    throw err
  }

  // The decision boundary (and the points under it) exist for 2-D inputs only.
  const planar = data.sample.length === 1 && data.dims === 2
  if (planar) {
    // Points shown under the boundary: a fixed, seeded subsample.
    const shown = createRng(deriveSeed(ctx.seed, 'shown')).shuffle(Array.from({ length: data.n }, (_, i) => i)).slice(0, MAX_POINTS_SHOWN)
    const testSet = new Set(split.test)
    ctx.logSeries('points', 0, {
      x: shown.map((i) => +(data.x[2 * i] * data.scale).toFixed(4)),
      y: shown.map((i) => +(data.x[2 * i + 1] * data.scale).toFixed(4)),
      label: shown.map((i) => data.labels[i]),
      split: shown.map((i) => (testSet.has(i) ? 1 : 0))
    })
  }

  /** An evaluation set: whole tensors for toy datasets (as always), index chunks for stored ones. */
  interface EvalSet {
    whole: [Tensor, Tensor] | null
    indices: number[]
  }
  const evalSet = (indices: number[]): EvalSet => {
    if (data.stored) return { whole: null, indices }
    const all = gather(data, indices, 0, indices.length)
    return { whole: [tf.tensor(all.x, batchShape(indices.length)), tf.tensor2d(all.y, [indices.length, classes])], indices }
  }
  const trainEvalIndices =
    data.stored && nTrain > TRAIN_EVAL_MAX ? createRng(deriveSeed(ctx.seed, 'train-eval')).shuffle(split.train.slice()).slice(0, TRAIN_EVAL_MAX) : split.train
  const trainEval = evalSet(trainEvalIndices)
  const testEval = evalSet(split.test)

  const optimizer = makeOptimizer(tf, cfg.optimizer)
  // The optional local elasticity probe (config `probes.elasticity`); null when it is off.
  const elasticity = trainingElasticityProbe(ctx, cfg, data, split.train, model)
  /** Training mode: dropout masks, batch statistics (and their moving averages updated). */
  const forward = (x: Tensor) => model.apply(x, { training: true }) as import('@tensorflow/tfjs').Tensor2D
  /** Inference mode: no dropout, batch-norm's moving statistics. Identical to `forward` for dense-only nets. */
  const infer = (x: Tensor) => model.apply(x, { training: false }) as import('@tensorflow/tfjs').Tensor2D
  const probabilities = (x: import('@tensorflow/tfjs').Tensor2D) =>
    (cfg.loss === 'mse' ? tf.softmax(infer(x).mul(4)) : tf.softmax(infer(x))) as import('@tensorflow/tfjs').Tensor2D
  const planarX = planar ? (data.x instanceof Float32Array && data.scale === 1 ? data.x : Float32Array.from(data.x, (v) => v * data.scale)) : null
  const { extent, grid } = planarX ? boundaryGrid(planarX, cfg.boundaryResolution) : { extent: [0, 0, 0, 0] as [number, number, number, number], grid: null }
  const gridTensor = grid ? tf.tensor2d(grid, [cfg.boundaryResolution ** 2, 2]) : null

  /** [loss, accuracy] of one batch of tensors. */
  const evaluateTensors = (x: Tensor, y: Tensor) => {
    const [loss, acc] = tf.tidy(() => {
      const out = infer(x)
      const l = lossOf(tf, cfg.loss, out, y)
      const a = out.argMax(1).equal(y.argMax(1)).toFloat().mean()
      return [l, a]
    })
    const values = [loss.dataSync()[0], acc.dataSync()[0]]
    tf.dispose([loss, acc])
    return values
  }
  /** [loss, accuracy] over a set; null when the run is cancelled part-way (chunked sets check between chunks). */
  const evaluate = (set: EvalSet): number[] | null => {
    if (set.whole) return evaluateTensors(set.whole[0], set.whole[1])
    let lossSum = 0
    let correct = 0
    for (let start = 0; start < set.indices.length; start += EVAL_CHUNK) {
      if (ctx.aborted) return null
      const size = Math.min(EVAL_CHUNK, set.indices.length - start)
      const b = gather(data, set.indices, start, size)
      const x = tf.tensor(b.x, batchShape(size))
      const y = tf.tensor2d(b.y, [size, classes])
      const [l, a] = evaluateTensors(x, y)
      tf.dispose([x, y])
      lossSum += l * size
      correct += Math.round(a * size)
    }
    return [lossSum / set.indices.length, correct / set.indices.length]
  }

  const shuffleRng = createRng(deriveSeed(ctx.seed, 'shuffle'))
  const order = Int32Array.from({ length: nTrain }, (_, i) => i)
  const batchRows = new Int32Array(cfg.batchSize)
  const best: Record<string, { value: number; step: number }> = {}
  const final: Record<string, number> = {}
  let step = 0
  let epochsDone = 0
  const started = performance.now()
  let trainSeconds = 0
  let samples = 0

  const logEpoch = (epoch: number) => {
    const trainMetrics = evaluate(trainEval)
    const testMetrics = trainMetrics && evaluate(testEval)
    if (!trainMetrics || !testMetrics) return // cancelled while evaluating
    const [trainLoss, trainAcc] = trainMetrics
    const [testLoss, testAcc] = testMetrics
    if (!Number.isFinite(trainLoss)) throw new RunFailure(`the training loss became ${trainLoss} at epoch ${epoch} (step ${step}); try a lower learning rate`)
    const values: Record<string, number> = { 'train/loss': trainLoss, 'train/accuracy': trainAcc, 'test/loss': testLoss, 'test/accuracy': testAcc, epoch }
    for (const [k, v] of Object.entries(values)) {
      ctx.log(k, step, v)
      final[k] = v
    }
    if (!best['test/accuracy'] || testAcc > best['test/accuracy'].value) best['test/accuracy'] = { value: testAcc, step }
    if (!best['test/loss'] || testLoss < best['test/loss'].value) best['test/loss'] = { value: testLoss, step }
    if (gridTensor && (epoch % boundaryEvery === 0 || epoch === cfg.epochs)) {
      ctx.logSeries('boundary', step, boundarySnapshot(tf, probabilities, gridTensor, cfg.boundaryResolution, extent, classes))
    }
    if (elasticity?.due(epoch)) {
      const locality = elasticity.run(step)
      if (locality !== null && Number.isFinite(locality)) final['elasticity/locality'] = locality
    }
  }

  try {
    ctx.progress(0, totalSteps, 'epoch 0')
    logEpoch(0)
    for (let epoch = 1; epoch <= cfg.epochs && !ctx.aborted; epoch++) {
      const t0 = performance.now()
      shuffleRng.shuffle(order)
      for (let b = 0; b < stepsPerEpoch; b++) {
        if (ctx.aborted) break
        const start = b * cfg.batchSize
        const size = Math.min(cfg.batchSize, nTrain - start)
        for (let i = 0; i < size; i++) batchRows[i] = split.train[order[start + i]]
        const batch = gather(data, batchRows, 0, size)
        const xb = tf.tensor(batch.x, batchShape(size))
        const yb = tf.tensor2d(batch.y, [size, classes])
        step++
        samples += size
        const wantLoss = step % cfg.logEvery === 0
        const cost = optimizer.minimize(() => lossOf(tf, cfg.loss, forward(xb), yb), wantLoss)
        if (cost) {
          const v = cost.dataSync()[0]
          cost.dispose()
          if (!Number.isFinite(v)) {
            tf.dispose([xb, yb])
            throw new RunFailure(`the minibatch loss became ${v} at step ${step} (epoch ${epoch}); try a lower learning rate`)
          }
          // Only on logging steps: one extra forward pass of this batch, after the update.
          const acc = tf.tidy(() => infer(xb).argMax(1).equal(yb.argMax(1)).toFloat().mean())
          ctx.log('train/batch_loss', step, v)
          ctx.log('train/batch_accuracy', step, acc.dataSync()[0])
          acc.dispose()
        }
        tf.dispose([xb, yb])
        ctx.progress(step, totalSteps, `epoch ${epoch}/${cfg.epochs}`)
      }
      trainSeconds += (performance.now() - t0) / 1000
      if (ctx.aborted) break
      epochsDone = epoch
      logEpoch(epoch)
    }
    // The trained weights, as far as training got (cancelled runs keep theirs too).
    ctx.artifact('model.json', 'tfjs-layers-model', await serializeModel(tf, model))
  } finally {
    for (const set of [trainEval, testEval]) if (set.whole) tf.dispose(set.whole)
    gridTensor?.dispose()
    elasticity?.dispose()
    model.dispose()
    disposeOptimizer(optimizer)
  }
  return {
    final,
    best,
    steps: step,
    epochs: epochsDone,
    wallSeconds: (performance.now() - started) / 1000,
    samplesPerSecond: trainSeconds > 0 ? Math.round((samples / trainSeconds) * 10) / 10 : 0
  }
}
