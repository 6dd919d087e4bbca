/** Group curves: mean line with a ±std or min–max band on the union of the runs' x, against hand-computed bands. */
import { describe, expect, test } from 'vitest'
import { aggregateCurves } from '../../src-shared/compare/aggregate'

const close = (actual: ArrayLike<number>, expected: number[]) => {
  expect(actual.length).toBe(expected.length)
  expected.forEach((e, i) => (Number.isNaN(e) ? expect(actual[i]).toBeNaN() : expect(actual[i]).toBeCloseTo(e, 10)))
}

describe('aggregateCurves', () => {
  test('two runs on the same steps: mean ± population std', () => {
    const g = aggregateCurves(
      [
        { x: [0, 1, 2], y: [0, 2, 4] },
        { x: [0, 1, 2], y: [2, 2, 2] }
      ],
      'std'
    )
    close(g.x, [0, 1, 2])
    close(g.mean, [1, 2, 3])
    close(g.lower, [0, 2, 2])
    close(g.upper, [2, 2, 4])
    expect([...g.count]).toEqual([2, 2, 2])
  })

  test('a run without a point at some x is interpolated linearly inside its range', () => {
    // Run B has steps 0 and 2 only: at x=1 it contributes (2 + 6)/2 = 4.
    const g = aggregateCurves(
      [
        { x: [0, 1, 2], y: [0, 2, 4] },
        { x: [0, 2], y: [2, 6] }
      ],
      'minmax'
    )
    close(g.x, [0, 1, 2])
    close(g.mean, [1, 3, 5])
    close(g.lower, [0, 2, 4])
    close(g.upper, [2, 4, 6])
  })

  test('no extrapolation: outside a run’s own range only the others count', () => {
    const g = aggregateCurves(
      [
        { x: [0, 1, 2, 3], y: [1, 1, 1, 1] },
        { x: [1, 2], y: [3, 5] }
      ],
      'std'
    )
    close(g.x, [0, 1, 2, 3])
    expect([...g.count]).toEqual([1, 2, 2, 1])
    close(g.mean, [1, 2, 3, 1])
    // one run → band of width 0; two runs at x=2: values 1 and 5 → std 2
    close(g.lower, [1, 1, 1, 1])
    close(g.upper, [1, 3, 5, 1])
  })

  test('three runs, std is the population std (÷ n)', () => {
    const g = aggregateCurves([{ x: [0], y: [1] }, { x: [0], y: [2] }, { x: [0], y: [6] }], 'std')
    const std = Math.sqrt(((1 - 3) ** 2 + (2 - 3) ** 2 + (6 - 3) ** 2) / 3)
    close(g.mean, [3])
    close(g.lower, [3 - std])
    close(g.upper, [3 + std])
  })

  test('a large offset with a small spread keeps its precision', () => {
    const g = aggregateCurves([{ x: [0], y: [1e9 + 1] }, { x: [0], y: [1e9 + 3] }], 'std')
    close(g.upper, [1e9 + 3])
    close(g.lower, [1e9 + 1])
  })

  test('non-finite values are skipped: the run bridges its own gap', () => {
    const g = aggregateCurves(
      [
        { x: [0, 1, 2], y: [0, NaN, 4] },
        { x: [0, 1, 2], y: [0, 0, 0] }
      ],
      'minmax'
    )
    close(g.mean, [0, 1, 2])
    close(g.upper, [0, 2, 4])
    expect([...g.count]).toEqual([2, 2, 2])
  })

  test('unsorted input and an uneven union of x', () => {
    const g = aggregateCurves(
      [
        { x: [10, 0], y: [10, 0] },
        { x: [0, 4, 10], y: [1, 1, 1] }
      ],
      'minmax'
    )
    close(g.x, [0, 4, 10])
    close(g.mean, [0.5, 2.5, 5.5])
    close(g.lower, [0, 1, 1])
    close(g.upper, [1, 4, 10])
  })

  test('maxPoints resamples the union to evenly spaced x', () => {
    const x = Array.from({ length: 101 }, (_, i) => i)
    const g = aggregateCurves(
      [
        { x, y: x.map((v) => 2 * v) },
        { x, y: x.map(() => 0) }
      ],
      'std',
      5
    )
    close(g.x, [0, 25, 50, 75, 100])
    close(g.mean, [0, 25, 50, 75, 100])
    close(g.upper, [0, 50, 100, 150, 200])
  })

  test('after resampling, an x that no run covers is a gap', () => {
    const g = aggregateCurves(
      [
        { x: [0, 1], y: [1, 1] },
        { x: [9, 10], y: [3, 3] }
      ],
      'std',
      3
    )
    close(g.x, [0, 5, 10])
    expect([...g.count]).toEqual([1, 0, 1])
    close(g.mean, [1, NaN, 3])
    close(g.lower, [1, NaN, 3])
  })

  test('no curves give an empty group; a bad maxPoints is refused', () => {
    expect(aggregateCurves([], 'std').x).toHaveLength(0)
    expect(() => aggregateCurves([{ x: [0], y: [1] }], 'std', 0)).toThrow(/maxPoints/)
    expect(() => aggregateCurves([{ x: [0, 1], y: [1] }], 'std')).toThrow(/length/)
  })
})
