/** Curve smoothing: TensorBoard's debiased EMA and Gaussian kernel smoothing, against hand-computed values. */
import { describe, expect, test } from 'vitest'
import { emaDebiased, gaussianSmooth, resolveSmoothing, sigmaInX, smooth } from '../../src-shared/compare/smoothing'
import { defaultCompareState } from '../../src-shared/compare/state'

const close = (actual: ArrayLike<number>, expected: number[]) => {
  expect(actual.length).toBe(expected.length)
  expected.forEach((e, i) => (Number.isNaN(e) ? expect(actual[i]).toBeNaN() : expect(actual[i]).toBeCloseTo(e, 10)))
}

describe('debiased EMA', () => {
  test('two points with w = 0.5: the first is kept, the second is (0.25 + 1)/(1 − 0.25)', () => {
    // last = 0.5·0 + 0.5·1 = 0.5, debias 1 − 0.5 → 1; last = 0.25 + 0.5·2 = 1.25, debias 0.75 → 1.6667
    close(emaDebiased([1, 2], 0.5), [1, 1.25 / 0.75])
  })

  test('three points with w = 0.6 follow last·w + (1 − w)·v over 1 − w^k', () => {
    const l1 = 0.4 * 10
    const l2 = l1 * 0.6 + 0.4 * 20
    const l3 = l2 * 0.6 + 0.4 * 0
    close(emaDebiased([10, 20, 0], 0.6), [l1 / (1 - 0.6), l2 / (1 - 0.36), l3 / (1 - 0.216)])
  })

  test('the first point is never moved, whatever the weight', () => {
    for (const w of [0, 0.3, 0.9, 0.999]) expect(emaDebiased([7, 3, 5], w)[0]).toBeCloseTo(7, 9)
  })

  test('a constant series is returned exactly unchanged', () => {
    const out = emaDebiased(new Array(1000).fill(0.1), 0.95)
    expect(out.every((v) => v === 0.1)).toBe(true)
  })

  test('w = 0 returns the values', () => {
    close(emaDebiased([3, -1, 4, 1, 5], 0), [3, -1, 4, 1, 5])
  })

  test('NaN in the middle passes through and does not enter the average', () => {
    // Debiasing counts finite points only: the point after the gap is the 2nd accumulated one.
    const out = emaDebiased([1, NaN, 2], 0.5)
    close(out, [1, NaN, 1.25 / 0.75])
    close(emaDebiased([1, Infinity, 2], 0.5), [1, Infinity, 1.25 / 0.75])
  })

  test('empty and single-point series', () => {
    expect(emaDebiased([], 0.6)).toHaveLength(0)
    close(emaDebiased([42], 0.6), [42])
  })

  test('a weight outside [0, 1) is refused with a message', () => {
    expect(() => emaDebiased([1, 2], 1)).toThrow(/weight/)
    expect(() => emaDebiased([1, 2], -0.1)).toThrow(/weight/)
    expect(() => emaDebiased([1, 2], NaN)).toThrow(/weight/)
  })
})

describe('Gaussian smoothing', () => {
  const g = (d: number, sigma: number) => Math.exp(-(d * d) / (2 * sigma * sigma))

  test('uneven steps weigh each neighbour by its own distance', () => {
    const x = [0, 1, 3]
    const y = [0, 10, 20]
    const s = 1
    // At x=0 the point at 3 is exactly 3σ away (kept); at x=1 all are within 2σ.
    const at0 = (0 * 1 + 10 * g(1, s) + 20 * g(3, s)) / (1 + g(1, s) + g(3, s))
    const at1 = (0 * g(1, s) + 10 + 20 * g(2, s)) / (g(1, s) + 1 + g(2, s))
    const at3 = (0 * g(3, s) + 10 * g(2, s) + 20) / (g(3, s) + g(2, s) + 1)
    close(gaussianSmooth(x, y, s), [at0, at1, at3])
  })

  test('points beyond 3σ get no weight', () => {
    const out = gaussianSmooth([0, 1, 3.5], [0, 10, 20], 1)
    close(out, [(10 * g(1, 1)) / (1 + g(1, 1)), (10 + 0 * g(1, 1) + 20 * g(2.5, 1)) / (1 + g(1, 1) + g(2.5, 1)), (20 + 10 * g(2.5, 1)) / (1 + g(2.5, 1))])
  })

  test('evenly spaced steps give the same result as the general formula', () => {
    const x = Array.from({ length: 50 }, (_, i) => 100 + i * 10)
    const y = x.map((v, i) => Math.sin(i / 3) + (i % 7) * 0.1)
    const sigma = 25
    const expected = x.map((xi) => {
      let sum = 0
      let weights = 0
      x.forEach((xj, j) => {
        if (Math.abs(xj - xi) <= 3 * sigma) {
          sum += g(xj - xi, sigma) * y[j]
          weights += g(xj - xi, sigma)
        }
      })
      return sum / weights
    })
    close(gaussianSmooth(x, y, sigma), expected)
  })

  test('non-finite values are skipped, and stay non-finite at their own x', () => {
    const out = gaussianSmooth([0, 1, 2], [0, NaN, 10], 1)
    close(out, [(10 * g(2, 1)) / (1 + g(2, 1)), NaN, 10 / (1 + g(2, 1))])
  })

  test('non-finite values on uneven steps are skipped too', () => {
    const out = gaussianSmooth([0, 1, 3, 3.5], [0, Infinity, 20, 10], 1)
    expect(out[1]).toBe(Infinity)
    close(out, [(20 * g(3, 1)) / (1 + g(3, 1)), Infinity, (20 + 10 * g(0.5, 1) + 0 * g(3, 1)) / (1 + g(0.5, 1) + g(3, 1)), (10 + 20 * g(0.5, 1)) / (1 + g(0.5, 1))])
  })

  test('a constant series stays constant and two points are only averaged by their weights', () => {
    expect([...gaussianSmooth([0, 1, 2, 5, 9], [3, 3, 3, 3, 3], 2)].every((v) => Math.abs(v - 3) < 1e-12)).toBe(true)
    close(gaussianSmooth([0, 1], [0, 1], 1), [g(1, 1) / (1 + g(1, 1)), 1 / (1 + g(1, 1))])
  })

  test('σ ≤ 0 returns a copy', () => {
    const y = [1, 5, 2]
    const out = gaussianSmooth([0, 1, 2], y, 0)
    close(out, y)
    expect(out).not.toBe(y)
  })

  test('unsorted x is smoothed in x order and returned in the input order', () => {
    const sorted = gaussianSmooth([0, 1, 3], [0, 10, 20], 1)
    close(gaussianSmooth([3, 0, 1], [20, 0, 10], 1), [sorted[2], sorted[0], sorted[1]])
  })

  test('x and y of different lengths are refused', () => {
    expect(() => gaussianSmooth([0, 1], [1], 1)).toThrow(/length/)
  })
})

describe('smooth(spec)', () => {
  test('dispatches on the kind and returns a copy for none', () => {
    const x = [0, 1, 3]
    const y = [0, 10, 20]
    const none = smooth(x, y, { kind: 'none', weight: 0.6, sigma: 1 })
    close(none, y)
    expect(none).toBeInstanceOf(Float64Array)
    close(smooth(x, y, { kind: 'ema', weight: 0.5, sigma: 1 }), [...emaDebiased(y, 0.5)])
    close(smooth(x, y, { kind: 'gaussian', weight: 0.5, sigma: 1 }), [...gaussianSmooth(x, y, 1)])
  })
})

describe('Gaussian σ relative to the x range', () => {
  // test/accuracy logged every 50 steps over 10 000 steps, alternating 0.8 / 0.9 (a noisy curve around 0.85).
  const x = Array.from({ length: 201 }, (_, i) => i * 50)
  const y = x.map((_, i) => (i % 2 ? 0.9 : 0.8))
  const spread = (v: ArrayLike<number>) => Math.max(...Array.from(v).slice(20, 180)) - Math.min(...Array.from(v).slice(20, 180))

  test("the compare view's default Gaussian smooths a curve logged every 50 steps (σ = 1 step did nothing)", () => {
    const spec = { ...defaultCompareState().smoothing, kind: 'gaussian' as const }
    expect(spec.sigmaUnit).toBe('range')
    const out = smooth(x, y, resolveSmoothing(spec, [0, 10_000]))
    // σ = 2 % of 10 000 = 200 steps = 4 points: the ±0.05 alternation all but vanishes.
    expect(spread(y)).toBeCloseTo(0.1, 12)
    expect(spread(out)).toBeLessThan(0.001)
  })

  test('resolves to that fraction of the shared range, and leaves x units alone', () => {
    expect(sigmaInX({ sigma: 0.02, sigmaUnit: 'range' }, [100, 1100])).toBeCloseTo(20, 12)
    expect(sigmaInX({ sigma: 3 }, [0, 1000])).toBe(3) // older links: x units
    expect(sigmaInX({ sigma: 0.5, sigmaUnit: 'range' }, null)).toBe(0)
    expect(resolveSmoothing({ kind: 'gaussian', weight: 0, sigma: 0.1, sigmaUnit: 'range' }, [0, 50])).toEqual({ kind: 'gaussian', weight: 0, sigma: 5, sigmaUnit: 'x' })
    // Unresolved, a relative σ applies to the curve's own range.
    close(smooth(x, y, { kind: 'gaussian', weight: 0, sigma: 0.02, sigmaUnit: 'range' }), [...gaussianSmooth(x, y, 200)])
  })
})
