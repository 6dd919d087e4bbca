/**
 * Platonic projections (src-shared/platonic/fit.ts), float64 through ml-matrix: a linearly separable set is fitted
 * exactly; pinv, lstsq and ridge agree on a well-conditioned problem; two spirals with the thesis's α = 0.1,
 * β = 10 (2-32-32-32-32-1 tanh, one try) reach ≥ 99 % in float64; more tries never raise the kept LSD.
 */
import { Matrix } from 'ml-matrix'
import { describe, expect, test } from 'vitest'
import { accuracyOf, mseOf, platonicFit, platonicPredict, solverFor, withBias, type PlatonicOptions } from '../../src-shared/platonic/fit'
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
})
