/** Binary-weight network trainer (src-shared/ising/binaryNet.ts): sizes, spin ranges, gradients, accuracy, training. */
import { describe, expect, it } from 'vitest'
import {
  SCENARIOS,
  binaryNetAccuracy,
  layerSpinRanges,
  meanFieldLossAndGrad,
  noiseCount,
  trainTrial,
  weightCount,
  type LabelledSet
} from '../../src-shared/ising/binaryNet'
import { createRng } from '../../src-shared/rng'

/** Gaussian blobs: `classes` random centres (N(0, spread²) per dim), unit noise. */
function blobs(rows: number, features: number, classes: number, seed: number, centresSeed = 1, spread = 1.5): LabelledSet {
  const cr = createRng(centresSeed)
  const centres = Array.from({ length: classes }, () => Array.from({ length: features }, () => spread * cr.normal()))
  const rng = createRng(seed)
  const x = new Float32Array(rows * features)
  const y = new Int32Array(rows)
  for (let r = 0; r < rows; r++) {
    const c = rng.int(classes)
    y[r] = c
    for (let i = 0; i < features; i++) x[r * features + i] = centres[c][i] + rng.normal()
  }
  return { x, y, rows, features }
}

describe('sizes and spin ranges', () => {
  it('counts weights and names the layer ranges', () => {
    expect(weightCount([20, 15, 15, 10])).toBe(675)
    expect(weightCount([20, 10])).toBe(200)
    expect(layerSpinRanges([20, 15, 15, 10])).toEqual([
      { name: 'LB', start: 0, end: 300 },
      { name: 'ITR', start: 300, end: 525 },
      { name: 'RB', start: 525, end: 675 }
    ])
    expect(layerSpinRanges([20, 10])).toEqual([{ name: 'all', start: 0, end: 200 }])
    expect(layerSpinRanges([4, 3, 2])).toEqual([{ name: 'all', start: 0, end: 18 }])
    expect(layerSpinRanges([4, 3, 3, 3, 2]).map((r) => r.name)).toEqual(['LB', 'ITR1', 'ITR2', 'RB'])
    expect(layerSpinRanges([4, 3, 3, 3, 2]).at(-1)).toEqual({ name: 'RB', start: 30, end: 36 })
    expect(SCENARIOS.under.sizes).toEqual([20, 15, 15, 10])
    expect(SCENARIOS.over.trainLimit).toBe(500)
    expect(SCENARIOS.over.batchesPerEpoch * SCENARIOS.over.batchSize).toBe(500)
    expect(SCENARIOS.shallow.sizes).toEqual([20, 10])
  })
})

describe('meanFieldLossAndGrad', () => {
  it.each(['none', 'sqrtFanIn'] as const)('matches central finite differences on a [4,3,3,2] net (output scaling %s)', (scaling) => {
    const sizes = [4, 3, 3, 2]
    const rows = 5
    const rng = createRng(7)
    const n = weightCount(sizes)
    const theta = new Float64Array(n).map(() => rng.normal())
    const x = new Float32Array(rows * 4).map(() => rng.normal())
    const y = new Int32Array([0, 1, 1, 0, 1])
    const eps = new Float64Array(noiseCount(sizes, rows)).map(() => rng.normal())
    expect(eps.length).toBe(5 * 8)
    const { loss, grad } = meanFieldLossAndGrad(sizes, theta, x, y, rows, eps, scaling)
    expect(Number.isFinite(loss)).toBe(true)
    const h = 1e-5
    const fd = new Float64Array(n)
    for (let k = 0; k < n; k++) {
      const t = theta.slice()
      t[k] += h
      const lp = meanFieldLossAndGrad(sizes, t, x, y, rows, eps, scaling).loss
      t[k] -= 2 * h
      const lm = meanFieldLossAndGrad(sizes, t, x, y, rows, eps, scaling).loss
      fd[k] = (lp - lm) / (2 * h)
    }
    let diff = 0
    let norm = 0
    for (let k = 0; k < n; k++) {
      diff += (grad[k] - fd[k]) ** 2
      norm += Math.max(grad[k] ** 2, fd[k] ** 2)
      expect(Math.abs(grad[k] - fd[k])).toBeLessThan(1e-4 * Math.max(1e-3, Math.abs(fd[k])))
    }
    expect(Math.sqrt(diff / norm)).toBeLessThan(1e-4)
    expect(Math.sqrt(norm)).toBeGreaterThan(1e-3) // a non-trivial gradient
  })

  it('noise matters: the loss changes with eps, and zero noise is the μ network', () => {
    const sizes = [3, 2]
    const theta = new Float64Array([2, -2, 0.5, -1, 1, 3])
    const x = new Float32Array([1, 0.5, -1])
    const y = new Int32Array([1])
    const zero = meanFieldLossAndGrad(sizes, theta, x, y, 1, new Float64Array(2)).loss
    const mu = Array.from(theta, (t) => Math.tanh(t / 2))
    const z0 = mu[0] * 1 + mu[1] * 0.5 + mu[2] * -1 // output logits are unscaled by default
    const z1 = mu[3] * 1 + mu[4] * 0.5 + mu[5] * -1
    expect(zero).toBeCloseTo(Math.log(Math.exp(z0) + Math.exp(z1)) - z1, 12)
    const r3 = Math.sqrt(3)
    const scaled = meanFieldLossAndGrad(sizes, theta, x, y, 1, new Float64Array(2), 'sqrtFanIn').loss
    expect(scaled).toBeCloseTo(Math.log(Math.exp(z0 / r3) + Math.exp(z1 / r3)) - z1 / r3, 12)
    const noisy = meanFieldLossAndGrad(sizes, theta, x, y, 1, new Float64Array([1, -1])).loss
    expect(noisy).not.toBeCloseTo(zero, 3)
  })
})

describe('binaryNetAccuracy', () => {
  it('evaluates a hand-built net', () => {
    // [2, 2, 2]: hidden h0 = LReLU((x0 + x1)/√2), h1 = LReLU((x0 − x1)/√2); logits (h0 + h1, h0 − h1)/√2.
    // x = (1, 0): h = (.707, .707) → logits (1, 0) → class 0. x = (0, 1): h = (.707, −.0707) → (.45, .55) → 1.
    // x = (−1, −1): h = (−.141, 0) → (−.1, −.1) → tie → argmax first = 0.
    const sizes = [2, 2, 2]
    const spins = new Int8Array([1, 1, 1, -1, 1, 1, 1, -1])
    const set: LabelledSet = { x: new Float32Array([1, 0, 0, 1, -1, -1, 3, 1]), y: new Uint8Array([0, 1, 0, 0]), rows: 4, features: 2 }
    expect(binaryNetAccuracy(sizes, spins, set)).toBe(1)
    const wrong: LabelledSet = { ...set, y: new Uint8Array([1, 1, 0, 0]) }
    expect(binaryNetAccuracy(sizes, spins, wrong)).toBe(0.75)
    // Shallow [2, 2]: logits (x0 − x1, x1 − x0)/√2.
    const lin = new Int8Array([1, -1, -1, 1])
    const set2: LabelledSet = { x: new Float32Array([2, 1, 1, 2, 0, 5]), y: new Int32Array([0, 1, 0]), rows: 3, features: 2 }
    expect(binaryNetAccuracy([2, 2], lin, set2)).toBeCloseTo(2 / 3, 12)
    expect(() => binaryNetAccuracy([2, 2], new Int8Array(3), set2)).toThrow()
  })
})

describe('trainTrial', () => {
  const train = blobs(2000, 20, 10, 11)
  const test = blobs(1000, 20, 10, 12)
  const opts = { sizes: [20, 15, 15, 10], epochs: 8, batchesPerEpoch: 10, batchSize: 200, threshold: 0.8, seed: 3 }

  it('learns separable blobs with the deep net, reproducibly', () => {
    const a = trainTrial(train, test, opts)
    expect(a.stopped).toBe(false)
    expect(a.spins.length).toBe(675)
    expect(a.spins.every((s) => s === 1 || s === -1)).toBe(true)
    expect(a.testAccuracy).toBeGreaterThan(0.8)
    expect(a.accepted).toBe(true)
    expect(a.trainAccuracy).toBeGreaterThan(0.8)
    expect(binaryNetAccuracy(opts.sizes, a.spins, test)).toBe(a.testAccuracy)
    expect(a.curve.length).toBe(8)
    expect(a.curve[7].loss).toBeLessThan(a.curve[0].loss)
    expect(a.curve[7].testAccuracy).toBeGreaterThan(0.8)
    expect(a.theta.length).toBe(675)

    const b = trainTrial(train, test, opts)
    expect(Array.from(b.spins)).toEqual(Array.from(a.spins))
    expect(Array.from(b.theta)).toEqual(Array.from(a.theta))
    expect(b.curve).toEqual(a.curve)

    const c = trainTrial(train, test, { ...opts, seed: 4 })
    expect(Array.from(c.spins)).not.toEqual(Array.from(a.spins))
    expect(c.testAccuracy).toBeGreaterThan(0.8)
  })

  it('trains the shallow net, cycles a small training set, and reports the curve on request', () => {
    const small: LabelledSet = { ...train, rows: 500, x: train.x.subarray(0, 500 * 20), y: train.y.subarray(0, 500) }
    const epochs: number[] = []
    const r = trainTrial(small, test, {
      sizes: [20, 10],
      epochs: 6,
      batchesPerEpoch: 25,
      batchSize: 40, // 1000 rows per epoch from 500: cycles
      threshold: 0.7,
      seed: 9,
      curveEvery: 4,
      onEpoch: (e) => epochs.push(e)
    })
    expect(epochs).toEqual([1, 2, 3, 4, 5, 6])
    expect(r.curve.map((p) => p.epoch)).toEqual([4, 6])
    expect(r.spins.length).toBe(200)
    expect(r.testAccuracy).toBeGreaterThan(0.7)
  })

  it('stops early when shouldStop says so', () => {
    let calls = 0
    const r = trainTrial(train, test, { ...opts, epochs: 1000, shouldStop: () => ++calls > 15 })
    expect(r.stopped).toBe(true)
    expect(r.accepted).toBe(false)
    expect(calls).toBe(16)
    expect(r.curve.length).toBe(1) // one full epoch of 10 batches, then 5 more batches
    expect(r.spins.length).toBe(675)
    expect(r.seconds).toBeLessThan(5)
  })
})
