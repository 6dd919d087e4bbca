/**
 * Runner of `elasticity-manifold` (spec `local-elasticity.md`, experiment 1): a neural net and its linear twin
 * (same widths with linear activations, same initial weights) train on the same batches of a double helix or
 * folded boxes with the same optimiser; at epoch 0, every `probe.every` epochs and at the end both are probed
 * with the exact S_rel / LE from a fixed seeded set of base points to every point. Logs per elasticityPayloads.ts.
 */
import type { Tensor } from '@tensorflow/tfjs'
import type { GeneratorParams } from '../../../../src-shared/generators'
import { deriveSeed } from '../../../../src-shared/rng'
import type { ElasticityManifoldConfig } from '../../../../src-shared/studies/elasticity-manifold'
import type { ManifoldPointsPayload } from '../../../../src-shared/studies/elasticityPayloads'
import { lossOf } from '../../compute/mlp'
import { buildNetwork } from '../../compute/network'
import { generate } from '../../datasets/generators'
import { balancedSubset, matrixPayload, probeRows, rounded } from '../../probes/local-elasticity/rows'
import type { Source } from '../../training/data'
import { train, type Member } from '../../training/trainer'
import { RunFailure, type RunContext, type StudyRunner } from '../context'

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

export const runElasticityManifold: StudyRunner = async (ctx: RunContext) => {
  const { tf } = ctx
  const cfg = ctx.config as ElasticityManifoldConfig
  const data = manifold(cfg, deriveSeed(ctx.seed, 'data'))
  const labels = data.y as Int32Array
  const n = labels.length
  const outputs = cfg.loss === 'mse' ? 1 : 2
  const y = targets(labels, outputs)
  const bases = balancedSubset(labels, cfg.probe.basePoints, deriveSeed(ctx.seed, 'bases'))
  const all = Array.from({ length: n }, (_, i) => i)
  const source: Source = { x: data.x, labels, n, sample: [DIMS], dims: DIMS, classes: 2, scale: 1, label: cfg.dataset.generator, stored: false, classNames: null, targets: y, outputs }

  const points: ManifoldPointsPayload = { dims: DIMS, x: rounded(data.x), label: Array.from(labels) }
  ctx.logSeries('manifold/points', 0, points)

  // Same widths and the same seed: the twin starts from exactly the neural net's weights (init is per layer index).
  const initSeed = deriveSeed(ctx.seed, 'init')
  const build = (activation: 'relu' | 'tanh' | 'linear') => buildNetwork(tf, cfg.network.hidden.map((units) => ({ type: 'dense' as const, units, activation })), [DIMS], outputs, initSeed)
  const loss = (out: Tensor, t: Tensor) => lossOf(tf, cfg.loss, out, t)
  const accuracy = outputs === 1 ? ('sign' as const) : ('argmax' as const)
  const members: Member[] = (['neural', 'linear'] as const).map((name) => {
    const model = build(name === 'neural' ? cfg.network.activation : 'linear')
    return { prefix: `${name}/`, name, model, optimizer: cfg.optimizer, loss, lossName: cfg.loss, accuracy, infer: (x: Tensor) => model.predict(x) as Tensor }
  })
  const xAll = tf.tensor2d(data.x, [n, DIMS])
  const yAll = tf.tensor2d(y, [n, outputs])
  const xBase = tf.gather(xAll, bases)
  const yBase = tf.gather(yAll, bases)

  try {
    const r = await train({
      ctx,
      source,
      trainRows: all,
      evalSets: [{ split: 'train', rows: all, chunk: null }],
      members,
      epochs: cfg.epochs,
      batchSize: cfg.batchSize,
      shuffleSeed: deriveSeed(ctx.seed, 'shuffle'),
      probes: cfg.probes,
      resume: ctx.resume,
      hooks: {
        // Both nets' S_rel rows from the base points to every point at epoch 0, every N epochs and at the end.
        afterEpoch: (s) => {
          if (!(s.epoch % cfg.probe.every === 0 || s.last)) return
          for (const m of members) {
            ctx.progress(s.step, s.totalSteps, `epoch ${s.epoch}: probing the ${m.name} net`)
            const rows = probeRows(tf, m.model, cfg.loss, xBase, yBase, xAll, { gamma: cfg.probe.gamma, kernel: cfg.probe.kernel, aborted: () => ctx.aborted })
            if (!rows) return false
            const payload = matrixPayload(rows, bases, data.x, DIMS, labels, cfg.probe.k)
            ctx.logSeries(`elasticity/${m.name}`, s.step, payload)
            s.record(`locality/${m.name}`, payload.locality)
          }
        }
      }
    })
    return {
      final: r.final,
      steps: r.steps,
      epochs: r.epochs,
      wallSeconds: r.wallSeconds,
      // Examples per second through the pair (each example trains both nets).
      samplesPerSecond: r.samplesPerSecond
    }
  } finally {
    tf.dispose([xAll, yAll, xBase, yBase])
    for (const m of members) m.model.dispose()
  }
}
