/**
 * Gradient amplification (thesis ch. 4): every output/loss variant's delta at the output pre-activation is
 * ∂ℒ/∂x = y − t (tfjs gradients against y − t computed here in plain JS), exp-GA stays finite at huge x, each
 * variant trains a toy problem through the real lab, and the lab's original two losses keep their meaning.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { tf } from '../../src-main/engine/compute/backend'
import { EXP_CLIP, sampleLosses, trainingLoss } from '../../src-main/engine/compute/outputs'
import type { Lab } from '../../src-main/engine/lab'
import { createRng } from '../../src-shared/rng'
import { completeConfig } from '../../src-shared/studies'
import { dense } from '../../src-shared/network/layers'
import { GA_LOSSES, LOSS_PARAMS_DEFAULTS, layers, trainingConfigSchema, type GaLoss, type LossParams } from '../../src-shared/studies/training'
import { curvatureCurves, curvatureExp, curvatureLinear, curvaturePow3 } from '../../src-shared/studies/training/outputs'
import { adam } from '../../src-shared/training/optimizer'
import { cleanupTempDirs, openLab, runToEnd, tempDir, trainingConfig } from './helpers'

const N = 16
const K = 10

/** The output y(x) of each variant, written out independently of the engine. */
function outputJs(loss: GaLoss | 'softmax-cross-entropy', p: LossParams | undefined, row: number[]): number[] {
  switch (loss) {
    case 'softmax-cross-entropy': {
      const m = Math.max(...row)
      const e = row.map((v) => Math.exp(v - m))
      const s = e.reduce((a, b) => a + b, 0)
      return e.map((v) => v / s)
    }
    case 'sigmoid-mse':
      return row.map((v) => 1 / (1 + Math.exp(-v)))
    case 'tanh-mse':
      return row.map(Math.tanh)
    case 'linear-mse':
      return row
    case 'exp-ga':
      return row.map((v) => p!.alpha! * Math.exp(v))
    case 'pow3-ga':
      return row.map((v) => p!.alpha! * v ** 3 + p!.beta!)
  }
}

/** Random pre-activations in [−3, 3), random labels, and the variant's targets (random too, to test them as parameters). */
function batch(seed: number) {
  const rng = createRng(seed)
  const x = Array.from({ length: N }, () => Array.from({ length: K }, () => rng.next() * 6 - 3))
  const labels = Array.from({ length: N }, () => Math.floor(rng.next() * K))
  return { x, labels, rng }
}

function gradOf(loss: GaLoss | 'softmax-cross-entropy', p: LossParams | undefined, x: number[][], labels: number[]): { grad: number[][]; loss: number[] } {
  return tf.tidy(() => {
    const onehot = tf.oneHot(tf.tensor1d(labels, 'int32'), K).toFloat()
    const xt = tf.tensor2d(x)
    // The sum over the batch: each sample's own gradient, not divided by the batch size.
    const g = tf.grad((z: any) => sampleLosses(tf, loss, p, z, onehot).sum())(xt)
    return { grad: g.arraySync() as number[][], loss: sampleLosses(tf, loss, p, xt, onehot).arraySync() as number[] }
  })
}

describe('output/loss variants: ∂ℒ/∂x = y − t', () => {
  for (const loss of ['softmax-cross-entropy', ...GA_LOSSES] as const) {
    test(loss, () => {
      const { x, labels, rng } = batch(loss.length * 7 + 1)
      // Defaults, and targets/α/β drawn at random (e.g. {−2, 10}, α 0.3): the identity holds for any of them.
      const paramsList: (LossParams | undefined)[] =
        loss === 'softmax-cross-entropy'
          ? [undefined]
          : [
              LOSS_PARAMS_DEFAULTS[loss],
              {
                trueTarget: 1 + rng.next() * 15,
                otherTarget: -2 + rng.next() * 2,
                ...(LOSS_PARAMS_DEFAULTS[loss].alpha !== undefined ? { alpha: 0.001 + rng.next() * 0.5 } : {}),
                ...(LOSS_PARAMS_DEFAULTS[loss].beta !== undefined ? { beta: rng.next() * 2 - 1 } : {})
              }
            ]
      for (const p of paramsList) {
        const { grad } = gradOf(loss, p, x, labels)
        let worst = 0
        for (let i = 0; i < N; i++) {
          const y = outputJs(loss, p, x[i])
          for (let k = 0; k < K; k++) {
            const t = p ? (k === labels[i] ? p.trueTarget : p.otherTarget) : k === labels[i] ? 1 : 0
            const want = y[k] - t
            worst = Math.max(worst, Math.abs(grad[i][k] - want) / Math.max(1, Math.abs(want)))
          }
        }
        expect(worst, JSON.stringify(p)).toBeLessThan(2e-5)
      }
    })
  }

  test('exp-GA stays finite at huge x, and its gradient still pushes x down', () => {
    const p = LOSS_PARAMS_DEFAULTS['exp-ga']
    const x = [[1e4, -1e4, 0, 50, 88, 89, 1e3, 30, 31, -50]]
    const { grad, loss } = gradOf('exp-ga', p, x, [0])
    expect(Number.isFinite(loss[0])).toBe(true)
    expect(grad[0].every(Number.isFinite)).toBe(true)
    // Beyond the clip the gradient is the slope at the clip, α e^EXP_CLIP − t (> 0: x is pushed back).
    expect(grad[0][0]).toBeCloseTo(p.alpha! * Math.exp(EXP_CLIP) - p.trueTarget, -8)
    expect(grad[0][3]).toBeGreaterThan(0)
    // At −10⁴ y is 0: the delta is −t (0 for the other classes).
    expect(grad[0][1]).toBeCloseTo(0 - p.otherTarget, 6)
    // Below the clip it is exactly y − t.
    expect(grad[0][7]).toBeCloseTo(p.alpha! * Math.exp(30) - p.otherTarget, -8)
    // The batch loss of a whole batch of such rows is finite too.
    const batchLoss = tf.tidy(() => trainingLoss(tf, 'exp-ga', p, tf.fill([256, K], 1e4), tf.oneHot(tf.zeros([256], 'int32'), K).toFloat()).dataSync()[0])
    expect(Number.isFinite(batchLoss)).toBe(true)
  })

  test('the original two losses are still the tfjs losses they were', () => {
    const { x, labels } = batch(5)
    const [mse, ce, mseWant, ceWant] = tf.tidy(() => {
      const onehot = tf.oneHot(tf.tensor1d(labels, 'int32'), K).toFloat()
      const xt = tf.tensor2d(x)
      return [trainingLoss(tf, 'mse', undefined, xt, onehot), trainingLoss(tf, 'softmax-cross-entropy', undefined, xt, onehot), tf.losses.meanSquaredError(onehot, xt), tf.losses.softmaxCrossEntropy(onehot, xt)].map(
        (t) => t.dataSync()[0]
      )
    })
    expect(mse).toBe(mseWant)
    expect(ce).toBe(ceWant)
    // The per-sample forms agree with them (mean of the per-sample losses).
    const perSample = (loss: 'mse' | 'softmax-cross-entropy') =>
      tf.tidy(() => sampleLosses(tf, loss, undefined, tf.tensor2d(x), tf.oneHot(tf.tensor1d(labels, 'int32'), K).toFloat()).mean().dataSync()[0])
    expect(perSample('mse')).toBeCloseTo(mse, 5)
    expect(perSample('softmax-cross-entropy')).toBeCloseTo(ce, 5)
  })
})

describe('config', () => {
  const base = trainingConfig({})
  test('old configs validate unchanged; the variants hold exactly their parameters', () => {
    for (const loss of ['mse', 'softmax-cross-entropy'] as const) {
      const c = { ...base, loss }
      expect(trainingConfigSchema.safeParse(c).success).toBe(true)
      expect(trainingConfigSchema.parse(c)).toEqual(c)
      const withParams = trainingConfigSchema.safeParse({ ...c, lossParams: { trueTarget: 1, otherTarget: 0 } })
      expect(withParams.error?.issues[0]).toMatchObject({ path: ['lossParams'], message: expect.stringContaining('remove lossParams') })
    }
    for (const loss of GA_LOSSES) expect(trainingConfigSchema.safeParse({ ...base, loss, lossParams: LOSS_PARAMS_DEFAULTS[loss] }).success, loss).toBe(true)
    const missing = trainingConfigSchema.safeParse({ ...base, loss: 'exp-ga' })
    expect(missing.error?.issues[0]).toMatchObject({ path: ['lossParams'], message: expect.stringContaining('exp-ga needs its targets and alpha') })
    const noBeta = trainingConfigSchema.safeParse({ ...base, loss: 'pow3-ga', lossParams: { trueTarget: 10, otherTarget: -2, alpha: 0.001 } })
    expect(noBeta.error?.issues[0]).toMatchObject({ path: ['lossParams', 'beta'] })
    const stray = trainingConfigSchema.safeParse({ ...base, loss: 'linear-mse', lossParams: { trueTarget: 1, otherTarget: -1, alpha: 0.1 } })
    expect(stray.error?.issues[0]).toMatchObject({ path: ['lossParams', 'alpha'], message: 'linear-mse has no alpha: remove it' })
  })

  test('a partial config naming a variant gets its defaults; given parameters are kept', () => {
    expect((completeConfig('training', { loss: 'pow3-ga' }) as any).lossParams).toEqual(LOSS_PARAMS_DEFAULTS['pow3-ga'])
    expect((completeConfig('training', { loss: 'exp-ga', lossParams: { trueTarget: 6 } }) as any).lossParams).toEqual({ ...LOSS_PARAMS_DEFAULTS['exp-ga'], trueTarget: 6 })
    expect((completeConfig('training', { loss: 'mse' }) as any).lossParams).toBeUndefined()
  })
})

describe('curvature explainer', () => {
  test('the curves are the second derivatives of ½(y − t)² for y = x, eˣ, x³', () => {
    const t = 2
    const h = 1e-3
    const sq = (y: (x: number) => number) => (x: number) => 0.5 * (y(x) - t) ** 2
    const second = (f: (x: number) => number, x: number) => (f(x + h) - 2 * f(x) + f(x - h)) / (h * h)
    for (const x of [-2, -0.5, 0, 0.7, 1.5]) {
      expect(curvatureLinear(x)).toBeCloseTo(second(sq((v) => v), x), 3)
      expect(curvatureExp(x, t)).toBeCloseTo(second(sq(Math.exp), x), 3)
      expect(curvaturePow3(x, t)).toBeCloseTo(second(sq((v) => v ** 3), x), 2)
    }
    expect(curvatureExp(0, 1)).toBe(1) // e⁰ − e⁰ (1 − e⁰)
    expect(curvaturePow3(1, 0)).toBe(15) // 9 + 6
    const c = curvatureCurves(t, -1, 1, 5)
    expect(c.x).toEqual([-1, -0.5, 0, 0.5, 1])
    expect(c.linear).toEqual([1, 1, 1, 1, 1])
    expect(c.pow3[2]).toBe(0)
  })
})

describe('every variant trains (real lab)', () => {
  let lab: Lab
  beforeAll(async () => {
    lab = await openLab(tempDir())
  })
  afterAll(async () => {
    await lab?.close()
    cleanupTempDirs()
  })
  for (const loss of ['softmax-cross-entropy', 'mse', ...GA_LOSSES] as const) {
    test(`${loss} beats chance on circles`, async () => {
      const config = trainingConfig({
        dataset: { kind: 'circles', n: 400, noise: 0.05, testFraction: 0.25, validationFraction: 0 },
        network: layers(dense(16), dense(16)),
        loss,
        optimizer: adam(0.01),
        batchSize: 16,
        epochs: 12,
        logEvery: 50
      })
      expect(config.lossParams).toEqual(loss === 'mse' || loss === 'softmax-cross-entropy' ? undefined : LOSS_PARAMS_DEFAULTS[loss])
      const run = await runToEnd(lab, config, loss)
      expect(run.error).toBeNull()
      const s = lab.store.runs.scalars(run.id)
      expect(s['train/loss'].value.every(Number.isFinite)).toBe(true)
      // Two balanced classes: chance is 50 %.
      expect(s['test/accuracy'].value.at(-1)!).toBeGreaterThan(0.8)
      expect(run.config).toEqual(config)
    })
  }
})
