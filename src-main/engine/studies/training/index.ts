/**
 * Runner of the `training` study: a custom loop (not model.fit) so that per-step work is one
 * optimizer step — losses are read back only on logging steps, evaluation and the boundary per epoch.
 */
import { deriveSeed } from '../../../../src-shared/rng'
import type { TrainingConfig } from '../../../../src-shared/studies/training'
import { buildMlp, lossOf, makeOptimizer, serializeModel } from '../../compute/mlp'
import { batchOf, selectRows } from '../../datasets/rows'
import { generateToy, splitIndices } from '../../datasets/toy'
import { boundaryGrid, boundarySnapshot } from '../../probes/decisionBoundary'
import { createRng } from '../../../../src-shared/rng'
import { RunFailure, type RunContext, type StudyRunner } from '../context'

const MAX_POINTS_SHOWN = 1500

export const runTraining: StudyRunner = async (ctx: RunContext) => {
  const { tf } = ctx
  const cfg = ctx.config as TrainingConfig
  const data = generateToy(cfg.dataset, deriveSeed(ctx.seed, 'data'))
  const split = splitIndices(data.n, cfg.dataset.testFraction, deriveSeed(ctx.seed, 'split'))
  const classes = data.classes
  const nTrain = split.train.length
  const stepsPerEpoch = Math.ceil(nTrain / cfg.batchSize)
  const totalSteps = stepsPerEpoch * cfg.epochs
  const boundaryEvery = cfg.boundaryEvery > 0 ? cfg.boundaryEvery : Math.max(1, Math.ceil(cfg.epochs / 50))

  // The decision boundary (and the points under it) exist for 2-D inputs only.
  const planar = data.dims === 2
  if (planar) {
    // Points shown under the boundary: a fixed, seeded subsample.
    const shown = createRng(deriveSeed(ctx.seed, 'shown')).shuffle(Array.from({ length: data.n }, (_, i) => i)).slice(0, MAX_POINTS_SHOWN)
    const testSet = new Set(split.test)
    ctx.logSeries('points', 0, {
      x: shown.map((i) => +data.x[2 * i].toFixed(4)),
      y: shown.map((i) => +data.x[2 * i + 1].toFixed(4)),
      label: shown.map((i) => data.y[i]),
      split: shown.map((i) => (testSet.has(i) ? 1 : 0))
    })
  }

  const trainRows = selectRows(data.x, data.y, data.dims, classes, split.train)
  const testRows = selectRows(data.x, data.y, data.dims, classes, split.test)
  const xTrain = tf.tensor2d(trainRows.x, [trainRows.n, data.dims])
  const yTrain = tf.tensor2d(trainRows.y, [trainRows.n, classes])
  const xTest = tf.tensor2d(testRows.x, [testRows.n, data.dims])
  const yTest = tf.tensor2d(testRows.y, [testRows.n, classes])

  const model = buildMlp(tf, cfg.network.layers, data.dims, classes, ctx.seed)
  const optimizer = makeOptimizer(tf, cfg.optimizer)
  const forward = (x: import('@tensorflow/tfjs').Tensor) => model.apply(x, { training: true }) as import('@tensorflow/tfjs').Tensor2D
  const probabilities = (x: import('@tensorflow/tfjs').Tensor2D) =>
    (cfg.loss === 'mse' ? tf.softmax(forward(x).mul(4)) : tf.softmax(forward(x))) as import('@tensorflow/tfjs').Tensor2D
  const { extent, grid } = planar ? boundaryGrid(data.x, cfg.boundaryResolution) : { extent: [0, 0, 0, 0] as [number, number, number, number], grid: null }
  const gridTensor = grid ? tf.tensor2d(grid, [cfg.boundaryResolution ** 2, 2]) : null

  const evaluate = (x: import('@tensorflow/tfjs').Tensor2D, y: import('@tensorflow/tfjs').Tensor2D) => {
    const [loss, acc] = tf.tidy(() => {
      const out = forward(x)
      const l = lossOf(tf, cfg.loss, out, y)
      const a = out.argMax(1).equal(y.argMax(1)).toFloat().mean()
      return [l, a]
    })
    const values = [loss.dataSync()[0], acc.dataSync()[0]]
    tf.dispose([loss, acc])
    return values
  }

  const shuffleRng = createRng(deriveSeed(ctx.seed, 'shuffle'))
  const order = Int32Array.from({ length: nTrain }, (_, i) => i)
  const best: Record<string, { value: number; step: number }> = {}
  const final: Record<string, number> = {}
  let step = 0
  let epochsDone = 0
  const started = performance.now()
  let trainSeconds = 0
  let samples = 0

  const logEpoch = (epoch: number) => {
    const [trainLoss, trainAcc] = evaluate(xTrain, yTrain)
    const [testLoss, testAcc] = evaluate(xTest, yTest)
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
        const batch = batchOf(trainRows, order, start, size)
        const xb = tf.tensor2d(batch.x, [size, data.dims])
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
          const acc = tf.tidy(() => forward(xb).argMax(1).equal(yb.argMax(1)).toFloat().mean())
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
    tf.dispose([xTrain, yTrain, xTest, yTest])
    gridTensor?.dispose()
    model.dispose()
    optimizer.dispose()
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
