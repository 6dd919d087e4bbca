/**
 * The local elasticity probe against closed forms: the leverage effect of a linear model, the first-order
 * kernel against the exact finite step, exact weight restoration and the ×3 retry rule.
 */
import { beforeAll, describe, expect, test } from 'vitest'
import { tf, useBackend } from '../../src-main/engine/compute/backend'
import { buildMlp } from '../../src-main/engine/compute/mlp'
import { exactElasticity, kernelElasticity, testJacobian } from '../../src-main/engine/probes/local-elasticity/measure'
import { createRng } from '../../src-shared/rng'

function randoms(n: number, seed: number): Float32Array {
  const rng = createRng(seed)
  return Float32Array.from({ length: n }, () => rng.normal())
}

beforeAll(async () => {
  await useBackend('wasm')
})

describe('exact elasticity', () => {
  test('a linear model f(x) = w·x with squared loss has S_rel(x, x′) = |x·x′| / ‖x‖² (leverage effect)', () => {
    const d = 6
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, useBias: false, inputShape: [d], kernelInitializer: tf.initializers.randomNormal({ seed: 3 }) })] })
    const nBase = 4
    const nTest = 20
    const xb = randoms(nBase * d, 1)
    const xt = randoms(nTest * d, 2)
    const xBase = tf.tensor2d(xb, [nBase, d])
    const yBase = tf.tensor2d(randoms(nBase, 5), [nBase, 1])
    const xTest = tf.tensor2d(xt, [nTest, d])
    const r = exactElasticity(tf, model, 'mse', xBase, yBase, xTest, 0.01)
    for (let i = 0; i < nBase; i++) {
      let xx = 0
      for (let k = 0; k < d; k++) xx += xb[i * d + k] ** 2
      for (let j = 0; j < nTest; j++) {
        let xxp = 0
        for (let k = 0; k < d; k++) xxp += xb[i * d + k] * xt[j * d + k]
        expect(r.le[i * nTest + j]).toBeCloseTo(Math.abs(xxp) / xx, 3)
        // Kernelized: Δf(x′)/(−γ ∂ℒ/∂f) = x·x′ (the linear kernel), signed.
        expect(r.kerExact[i * nTest + j]).toBeCloseTo(xxp, 2)
      }
    }
    tf.dispose([xBase, yBase, xTest])
    model.dispose()
  })

  test('weights are restored bit for bit, and a step too small to register is tripled until it does', () => {
    const model = buildMlp(tf, [{ type: 'dense', units: 8, activation: 'tanh' }], 3, 2, 7)
    const before = model.getWeights().map((w) => w.dataSync().slice())
    const xBase = tf.tensor2d(randoms(6, 11), [2, 3])
    const yBase = tf.oneHot(tf.tensor1d([0, 1], 'int32'), 2).toFloat()
    const xTest = tf.tensor2d(randoms(15, 12), [5, 3])
    const r = exactElasticity(tf, model, 'softmax-cross-entropy', xBase, yBase, xTest, 1e-9)
    const after = model.getWeights().map((w) => w.dataSync())
    before.forEach((w, k) => expect(Array.from(after[k])).toEqual(Array.from(w)))
    for (let i = 0; i < 2; i++) {
      expect(r.gamma[i]).toBeGreaterThan(1e-9)
      // γ grew by powers of 3 only.
      const k = Math.log(r.gamma[i] / 1e-9) / Math.log(3)
      expect(Math.abs(k - Math.round(k))).toBeLessThan(1e-6)
      expect(r.selfChange[i]).toBeGreaterThanOrEqual(1e-5)
    }
    // A γ that already moves f(x) enough is kept.
    const r2 = exactElasticity(tf, model, 'softmax-cross-entropy', xBase, yBase, xTest, 0.05)
    expect(Array.from(r2.gamma)).toEqual([0.05, 0.05])
    tf.dispose([xBase, yBase, xTest])
    model.dispose()
  })
})

describe('first-order kernel', () => {
  test('S_ker from per-example gradients equals the exact finite step to first order (small γ)', () => {
    const model = buildMlp(tf, [{ type: 'dense', units: 16, activation: 'tanh' }, { type: 'dense', units: 16, activation: 'tanh' }], 4, 3, 21)
    const nBase = 3
    const nTest = 12
    const xBase = tf.tensor2d(randoms(nBase * 4, 31), [nBase, 4])
    const yBase = tf.oneHot(tf.tensor1d([0, 2, 1], 'int32'), 3).toFloat()
    const xTest = tf.tensor2d(randoms(nTest * 4, 32), [nTest, 4])
    const kernel = kernelElasticity(tf, model, 'softmax-cross-entropy', xBase, yBase, xTest)
    // The test points' Jacobian built once and reused (as a probe does per chunk) gives the same numbers.
    const jacobian = testJacobian(tf, model, xTest)
    expect(Array.from(kernelElasticity(tf, model, 'softmax-cross-entropy', xBase, yBase, xTest, jacobian))).toEqual(Array.from(kernel))
    expect(jacobian.isDisposed).toBe(false)
    jacobian.dispose()
    const exact = exactElasticity(tf, model, 'softmax-cross-entropy', xBase, yBase, xTest, 1e-2)
    let scale = 0
    for (const v of kernel) scale = Math.max(scale, Math.abs(v))
    expect(scale).toBeGreaterThan(0)
    for (let i = 0; i < kernel.length; i++) expect(Math.abs(exact.kerExact[i] - kernel[i])).toBeLessThan(0.03 * scale)
    // A larger step leaves the first-order regime: the gap grows.
    const far = exactElasticity(tf, model, 'softmax-cross-entropy', xBase, yBase, xTest, 3)
    let gapSmall = 0
    let gapFar = 0
    for (let i = 0; i < kernel.length; i++) {
      gapSmall += Math.abs(exact.kerExact[i] - kernel[i])
      gapFar += Math.abs(far.kerExact[i] - kernel[i])
    }
    expect(gapFar).toBeGreaterThan(gapSmall * 3)
    tf.dispose([xBase, yBase, xTest])
    model.dispose()
  })

  test('a Jacobian too large for memory is refused with the sizes, before any gradient is taken', () => {
    const model = buildMlp(tf, [{ type: 'dense', units: 1000, activation: 'relu' }], 784, 10, 1)
    const xTest = tf.zeros([20, 784])
    const before = tf.memory().numTensors
    expect(() => testJacobian(tf, model, xTest)).toThrow(/20 test points × 10 outputs × 795010 parameters = 0\.6 GB.*use fewer test points/)
    expect(tf.memory().numTensors).toBe(before)
    tf.dispose(xTest)
    model.dispose()
  })
})
