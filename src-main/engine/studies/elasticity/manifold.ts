/**
 * Runner of `elasticity-manifold` (spec `local-elasticity.md`, experiment 1): a neural net and its linear twin
 * (same widths with linear activations, same initial weights) train on the same batches of a double helix or
 * folded boxes with the same optimiser; at epoch 0, every `probe.every` epochs and at the end both are probed
 * with the exact S_rel / LE from a fixed seeded set of base points to every point. Logs per elasticityPayloads.ts.
 */
import type { LayersModel, Optimizer, Tensor } from '@tensorflow/tfjs'
import type { GeneratorParams } from '../../../../src-shared/generators'
import { createRng, deriveSeed } from '../../../../src-shared/rng'
import type { ElasticityManifoldConfig } from '../../../../src-shared/studies/elasticityManifold'
import type { ManifoldPointsPayload } from '../../../../src-shared/studies/elasticityPayloads'
import { lossOf, makeOptimizer, disposeOptimizer } from '../../compute/mlp'
import { buildNetwork } from '../../compute/network'
import { generate } from '../../datasets/generators'
import { RunFailure, type RunContext, type StudyRunner } from '../context'
import { balancedSubset, matrixPayload, probeRows, rounded } from './probe'

const DIMS = 3

/** The manifold from the dataset library's generator (same seeded code), with the generator's own checks. */
function manifold(cfg: ElasticityManifoldConfig, seed: number) {
  const d = cfg.dataset
  const params: GeneratorParams =
    d.generator === 'double-helix' ? { n: d.n, noise: d.noise, turns: d.turns } : { n: d.n, noise: d.noise, gap: d.gap, thickness: d.thickness, foldAngle: d.foldAngle }
  try {
    return generate(d.generator, params, seed)
  } catch (err) {
    throw new RunFailure(`the ${d.generator} data could not be generated: ${(err as Error).message}`)
  }
}

/** Training targets: ±1 for one output (MSE, so LE = S_rel), one-hot for two logits. */
function targets(labels: Int32Array, outputs: number): Float32Array {
  const y = new Float32Array(labels.length * outputs)
  for (let i = 0; i < labels.length; i++) {
    if (outputs === 1) y[i] = labels[i] === 1 ? 1 : -1
    else y[i * outputs + labels[i]] = 1
  }
  return y
}

interface Net {
  name: 'neural' | 'linear'
  model: LayersModel
  optimizer: Optimizer
}

export const runElasticityManifold: StudyRunner = async (ctx: RunContext) => {
  const { tf } = ctx
  const cfg = ctx.config as ElasticityManifoldConfig
  const data = manifold(cfg, deriveSeed(ctx.seed, 'data'))
  const labels = data.y as Int32Array
  const n = labels.length
  const outputs = cfg.loss === 'mse' ? 1 : 2
  const y = targets(labels, outputs)
  const bases = balancedSubset(labels, cfg.probe.basePoints, deriveSeed(ctx.seed, 'bases'))
  const stepsPerEpoch = Math.ceil(n / cfg.batchSize)
  const totalSteps = stepsPerEpoch * cfg.epochs

  const points: ManifoldPointsPayload = { dims: DIMS, x: rounded(data.x), label: Array.from(labels) }
  ctx.logSeries('manifold/points', 0, points)

  // Same widths and the same seed: the twin starts from exactly the neural net's weights (init is per layer index).
  const initSeed = deriveSeed(ctx.seed, 'init')
  const build = (activation: 'relu' | 'tanh' | 'linear') => buildNetwork(tf, cfg.network.hidden.map((units) => ({ units, activation })), [DIMS], outputs, initSeed)
  const nets: Net[] = [
    { name: 'neural', model: build(cfg.network.activation), optimizer: makeOptimizer(tf, cfg.optimizer) },
    { name: 'linear', model: build('linear'), optimizer: makeOptimizer(tf, cfg.optimizer) }
  ]
  const xAll = tf.tensor2d(data.x, [n, DIMS])
  const yAll = tf.tensor2d(y, [n, outputs])
  const xBase = tf.gather(xAll, bases)
  const yBase = tf.gather(yAll, bases)

  const final: Record<string, number> = {}
  const record = (key: string, step: number, value: number) => {
    if (!Number.isFinite(value)) return
    ctx.log(key, step, value)
    final[key] = value
  }

  /** Train loss and accuracy of both nets on every point. */
  const evaluate = (step: number, epoch: number) => {
    for (const net of nets) {
      const [loss, acc] = tf.tidy(() => {
        const out = net.model.predict(xAll) as Tensor
        const correct = outputs === 1 ? out.sign().equal(yAll) : out.argMax(1).equal(yAll.argMax(1))
        return [lossOf(tf, cfg.loss, out, yAll).dataSync()[0], correct.toFloat().mean().dataSync()[0]]
      })
      if (!Number.isFinite(loss)) throw new RunFailure(`the ${net.name} net's training loss became ${loss} at epoch ${epoch}; try a lower learning rate`)
      record(`${net.name}/train/loss`, step, loss)
      record(`${net.name}/train/accuracy`, step, acc)
    }
    record('epoch', step, epoch)
  }

  /** Both nets' S_rel rows from the base points to every point; false when cancelled part-way. */
  const probe = (step: number, epoch: number): boolean => {
    for (const net of nets) {
      ctx.progress(step, totalSteps, `epoch ${epoch}: probing the ${net.name} net`)
      const rows = probeRows(tf, net.model, cfg.loss, xBase, yBase, xAll, { gamma: cfg.probe.gamma, kernel: cfg.probe.kernel, aborted: () => ctx.aborted })
      if (!rows) return false
      const payload = matrixPayload(rows, bases, data.x, DIMS, labels, cfg.probe.k)
      ctx.logSeries(`elasticity/${net.name}`, step, payload)
      record(`locality/${net.name}`, step, payload.locality)
    }
    return true
  }

  const shuffle = createRng(deriveSeed(ctx.seed, 'shuffle'))
  const order = Int32Array.from({ length: n }, (_, i) => i)
  const started = performance.now()
  let trainSeconds = 0
  let step = 0
  let epochsDone = 0
  let samples = 0
  try {
    evaluate(0, 0)
    probe(0, 0)
    for (let epoch = 1; epoch <= cfg.epochs && !ctx.aborted; epoch++) {
      const t0 = performance.now()
      shuffle.shuffle(order)
      for (let b = 0; b < stepsPerEpoch && !ctx.aborted; b++) {
        const rows = order.subarray(b * cfg.batchSize, Math.min(n, (b + 1) * cfg.batchSize))
        const idx = tf.tensor1d(rows, 'int32')
        const xb = tf.gather(xAll, idx)
        const yb = tf.gather(yAll, idx)
        for (const net of nets) net.optimizer.minimize(() => lossOf(tf, cfg.loss, net.model.apply(xb, { training: true }) as Tensor, yb))
        tf.dispose([idx, xb, yb])
        samples += rows.length
        step++
        ctx.progress(step, totalSteps, `epoch ${epoch}/${cfg.epochs}`)
      }
      trainSeconds += (performance.now() - t0) / 1000
      if (ctx.aborted) break
      epochsDone = epoch
      evaluate(step, epoch)
      if ((epoch % cfg.probe.every === 0 || epoch === cfg.epochs) && !probe(step, epoch)) break
    }
  } finally {
    tf.dispose([xAll, yAll, xBase, yBase])
    for (const net of nets) {
      net.model.dispose()
      disposeOptimizer(net.optimizer)
    }
  }
  return {
    final,
    steps: step,
    epochs: epochsDone,
    wallSeconds: (performance.now() - started) / 1000,
    // Examples per second through the pair (each example trains both nets).
    samplesPerSecond: trainSeconds > 0 ? Math.round((samples / trainSeconds) * 10) / 10 : 0
  }
}
