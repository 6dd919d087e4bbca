/**
 * The local elasticity probe of the training study (`probes.elasticity` in its config): on a fixed seeded subset
 * of the training points, the exact LE from the first `basePoints` of them to all of them (and the first-order
 * S_ker when asked for), at epoch 0, every N epochs and at the end. Logs 'elasticity/probe'
 * (ElasticityMatrixPayload with the probe points) and 'elasticity/locality'.
 */
import type { LayersModel, Tensor } from '@tensorflow/tfjs'
import { createRng, deriveSeed } from '../../../../src-shared/rng'
import type { TrainingConfig } from '../../../../src-shared/studies/training'
import type { RunContext } from '../context'
import { gather, type Source } from '../training/data'
import { matrixPayload, probeRows, rounded } from './probe'

export interface TrainingElasticityProbe {
  /** Is the probe due after this epoch (0 = before training)? */
  due(epoch: number): boolean
  /** Probe and log at this step; the locality index, or null when cancelled part-way. */
  run(step: number): number | null
  dispose(): void
}

/** The probe for a run, or null when the config does not switch it on. */
export function trainingElasticityProbe(ctx: RunContext, cfg: TrainingConfig, data: Source, train: readonly number[], model: LayersModel): TrainingElasticityProbe | null {
  const p = cfg.probes?.elasticity
  if (!p?.enabled) return null
  const { tf } = ctx
  const chosen = createRng(deriveSeed(ctx.seed, 'elasticity-probe')).shuffle(train.slice()).slice(0, Math.min(p.testPoints, train.length))
  const m = chosen.length
  const bases = Array.from({ length: Math.min(p.basePoints, m) }, (_, i) => i)
  const { x, y } = gather(data, chosen, 0, m)
  const labels = chosen.map((i) => data.labels[i])
  const shownDims = Math.min(3, data.dims)
  const shown = { dims: shownDims, x: rounded(Array.from({ length: m * shownDims }, (_, i) => x[Math.floor(i / shownDims) * data.dims + (i % shownDims)])), label: labels }
  const xTest: Tensor = tf.tensor(x, [m, ...data.sample])
  const yTest: Tensor = tf.tensor2d(y, [m, data.classes])
  const xBase = xTest.slice([0], [bases.length])
  const yBase = yTest.slice([0], [bases.length])
  return {
    due: (epoch) => epoch % p.every === 0 || epoch === cfg.epochs,
    run(step) {
      const rows = probeRows(tf, model, cfg.loss, xBase, yBase, xTest, { gamma: p.gamma, kernel: p.kernel, aborted: () => ctx.aborted })
      if (!rows) return null
      const payload = matrixPayload(rows, bases, x, data.dims, labels, p.k, shown)
      ctx.logSeries('elasticity/probe', step, payload)
      if (Number.isFinite(payload.locality)) ctx.log('elasticity/locality', step, payload.locality)
      return payload.locality
    },
    dispose: () => tf.dispose([xTest, yTest, xBase, yBase])
  }
}
