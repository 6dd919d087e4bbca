/**
 * Platonic projections (src-shared/platonic/fit.ts), float64 through ml-matrix: a linearly separable set is fitted
 * exactly; pinv, lstsq and ridge agree on a well-conditioned problem; two spirals with the thesis's α = 0.1,
 * β = 10 (2-32-32-32-32-1 tanh, one try) reach ≥ 99 % in float64; more tries never raise the kept LSD. The float32
 * path: the Jacobi SVD's pinv equals float64's on a well-conditioned matrix, its numbers are single-precision, and
 * on an ill-conditioned one it keeps the rounding noise float64 does not have.
 */
import { Matrix } from 'ml-matrix'
import { describe, expect, test } from 'vitest'
import { accuracyOf, mseOf, platonicFit, platonicPredict, solverFor, sortedPcaWeights, withBias, type PlatonicOptions } from '../../src-shared/platonic/fit'
import { EPS32, pinv32, singularValues32 } from '../../src-shared/platonic/float32'
import { createRng } from '../../src-shared/rng'
import { runGenerator } from '../../src-main/engine/datasets/generators'

const base: PlatonicOptions = { hidden: [8], activation: 'tanh', alpha: 1, beta: 2, tries: 1, solver: 'pinv', lambda: 1e-3, rcond: 1e-15, projection: 'random', seed: 1 }

describe('platonic projections', () => {
  test('pinv, lstsq and ridge (small λ) agree on a well-conditioned problem', () => {
    const rng = createRng(4)
    const a = withBias(Matrix.from1DArray(40, 3, Float64Array.from({ length: 120 }, () => rng.normal())))
    const t = Matrix.from1DArray(40, 2, Float64Array.from({ length: 80 }, () => rng.normal()))
    const [p, l, r] = (['pinv', 'lstsq', 'ridge'] as const).map((s) => solverFor(a, s, 1e-10, 1e-12)(t))
    for (let i = 0; i < p.rows; i++) for (let j = 0; j < p.columns; j++) {
      expect(l.get(i, j)).toBeCloseTo(p.get(i, j), 9)
      expect(r.get(i, j)).toBeCloseTo(p.get(i, j), 7)
    }
  })

  test('a linearly separable set is fitted exactly (every training point on the right side)', () => {
    const rng = createRng(2)
    // Points at least 0.2 from the line x₁ + 0.5 x₂ = 0.1.
    const pts: number[][] = []
    while (pts.length < 200) {
      const p = [rng.normal(), rng.normal()]
      if (Math.abs(p[0] + 0.5 * p[1] - 0.1) >= 0.2) pts.push(p)
    }
    const n = pts.length
    const x = new Matrix(pts)
    const y = new Matrix(n, 1)
    for (let i = 0; i < n; i++) y.set(i, 0, x.get(i, 0) + 0.5 * x.get(i, 1) > 0.1 ? 1 : -1)
    const fit = platonicFit(x, y, { ...base, alpha: 0.1, beta: 10 })
    expect(accuracyOf(platonicPredict(fit, x), y)).toBe(1)
  })

  test('two spirals, 2-32-32-32-32-1 tanh, α = 0.1, β = 10, float64, one try: ≥ 99 % (thesis: 99.99 %)', () => {
    const g = runGenerator('two-spirals', { n: 5000, noise: 0 }, 7)
    const x = Matrix.from1DArray(g.shape.n, 2, Float64Array.from(g.x))
    const y = Matrix.from1DArray(g.shape.n, 1, Float64Array.from(g.y as Int32Array, (v) => (v === 1 ? 1 : -1)))
    const fit = platonicFit(x, y, { ...base, hidden: [32, 32, 32, 32], alpha: 0.1, beta: 10, seed: 3 })
    expect(accuracyOf(platonicPredict(fit, x), y)).toBeGreaterThanOrEqual(0.99)
    // Layers linearise the problem: the last hidden layer's LSD is far below the input's.
    expect(fit.lsd.at(-1)!).toBeLessThan(fit.lsd[0] / 10)
  })

  test('more tries keep the try with the lowest LSD; the sine is fitted by 1-16-16-1 CELU', () => {
    const g = runGenerator('two-spirals', { n: 600, noise: 0 }, 1)
    const x = Matrix.from1DArray(600, 2, Float64Array.from(g.x))
    const y = Matrix.from1DArray(600, 1, Float64Array.from(g.y as Int32Array, (v) => (v === 1 ? 1 : -1)))
    const fit = platonicFit(x, y, { ...base, hidden: [16], tries: 5 })
    expect(fit.tryLsd[0]).toHaveLength(5)
    expect(fit.lsd[1]).toBe(Math.min(...fit.tryLsd[0]))
    const s = runGenerator('sine-regression', { n: 2000, periods: 2, noise: 0 }, 1)
    const sx = Matrix.from1DArray(2000, 1, Float64Array.from(s.x))
    const sy = Matrix.from1DArray(2000, 1, Float64Array.from(s.y as Float32Array))
    const sine = platonicFit(sx, sy, { ...base, hidden: [16, 16], activation: 'celu', alpha: 1, beta: 1, seed: 2 })
    expect(mseOf(platonicPredict(sine, sx), sy)).toBeLessThan(1e-2)
  })

  test('float32 pinv: equals float64 on a well-conditioned matrix, holds single-precision values, refuses huge ones', () => {
    const rng = createRng(5)
    const a = Matrix.from1DArray(120, 12, Float64Array.from({ length: 1440 }, () => rng.normal()))
    const p32 = pinv32(a, 1e-15)
    const p64 = solverFor(a, 'pinv', 0, 1e-15)(Matrix.eye(120))
    // ml-matrix's sub / abs work in place: on clones.
    expect(Matrix.sub(p32, p64).abs().max()).toBeLessThan(1e-5)
    // Every value is a float32 (rounding it again changes nothing), and p32 · a ≈ I to float32 precision.
    expect(p32.to1DArray().every((v) => Math.fround(v) === v)).toBe(true)
    expect(Matrix.sub(p32.mmul(a), Matrix.eye(12)).abs().max()).toBeLessThan(1e-4)
    // Singular values of a diagonal-ish matrix, largest first.
    const sv = singularValues32(Matrix.from1DArray(3, 2, [3, 0, 0, 1, 0, 0]))
    expect(Array.from(sv)).toEqual([3, 1])
    expect(() => pinv32(new Matrix(300, 300), 1e-15)).toThrow(/at most 257 columns/)
  })

  test('float32 on a rank-deficient matrix: rounding noise survives rcond 1e-15 (as in the thesis) and atol removes it', () => {
    // Column 3 = column 1 + column 2 exactly in float64, but not after rounding to float32.
    const rng = createRng(9)
    const n = 200
    const a = new Matrix(n, 3)
    for (let i = 0; i < n; i++) {
      const u = rng.normal() * 1.1
      const v = rng.normal() * 0.7
      a.set(i, 0, u)
      a.set(i, 1, v)
      a.set(i, 2, u + v)
    }
    const sv = singularValues32(a)
    expect(sv[2]).toBeGreaterThan(0)
    expect(sv[2] / sv[0]).toBeLessThan(100 * EPS32)
    const noisy = pinv32(a, 1e-15)
    const clean = pinv32(a, 1e-15, 1e-3)
    const exact = solverFor(a, 'pinv', 0, 1e-10)(Matrix.eye(n))
    // Without a cut-off the noise direction is inverted (entries ≫ those of the true pseudo-inverse); atol drops it.
    expect(noisy.clone().abs().max()).toBeGreaterThan(100 * exact.clone().abs().max())
    expect(Matrix.sub(clean, exact).abs().max()).toBeLessThan(1e-4)
  })

  test('a float32 fit of two spirals keeps float32 weights and still separates most points', () => {
    const g = runGenerator('two-spirals', { n: 1500, noise: 0 }, 7)
    const x = Matrix.from1DArray(g.shape.n, 2, Float64Array.from(g.x))
    const y = Matrix.from1DArray(g.shape.n, 1, Float64Array.from(g.y as Int32Array, (v) => (v === 1 ? 1 : -1)))
    const fit = platonicFit(x, y, { ...base, hidden: [32, 32], alpha: 0.1, beta: 10, seed: 3, precision: 'float32' })
    expect(fit.precision).toBe('float32')
    for (const l of fit.layers) expect(l.w.to1DArray().every((v) => Math.fround(v) === v)).toBe(true)
    expect(accuracyOf(platonicPredict(fit, x), y)).toBeGreaterThan(0.8)
    expect(() => platonicFit(x, y, { ...base, solver: 'ridge', precision: 'float32' })).toThrow(/float64 only/)
  })

  test('sorted PCA picks samples evenly along the first principal component as centred weight vectors', () => {
    // Points on a line (the first PC is the x axis) with a little y jitter.
    const n = 101
    const x = new Matrix(n, 2)
    for (let i = 0; i < n; i++) {
      x.set(i, 0, (i * 37) % n) // a shuffled 0..100
      x.set(i, 1, 0.01 * ((i * 7) % 3))
    }
    const w = sortedPcaWeights(x, 5)
    expect([w.rows, w.columns]).toEqual([3, 5])
    const mu = x.mean('column')
    // Samples at ranks 10, 30, 50, 70, 90 along x (up to the PC's sign), centred; bias −(x_k − μ)·μ.
    const picked = w.getRow(1).map((v) => Math.round(v + mu[0]))
    expect(picked[0] < picked[4] ? picked : [...picked].reverse()).toEqual([10, 30, 50, 70, 90])
    for (let k = 0; k < 5; k++) expect(w.get(0, k)).toBeCloseTo(-(w.get(1, k) * mu[0] + w.get(2, k) * mu[1]), 9)
    expect(() => sortedPcaWeights(x, 200)).toThrow(/101 training samples/)
  })
})
