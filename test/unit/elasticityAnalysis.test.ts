/** The local elasticity study's pure analysis: locality index, kernel K-means, K-means, best matching. */
import { describe, expect, test } from 'vitest'
import { bestMatchAccuracy, histogram, kernelKMeans, kMeans, localityIndex, localityOfRow, symmetrize } from '../../src-shared/elasticity'
import { createRng } from '../../src-shared/rng'

/** Two well-separated Gaussian clusters in 5-D, 40 points each, labels 0/1. */
function twoClusters(seed: number): { x: Float64Array; labels: Int32Array; n: number; d: number } {
  const rng = createRng(seed)
  const n = 80
  const d = 5
  const x = new Float64Array(n * d)
  const labels = new Int32Array(n)
  for (let i = 0; i < n; i++) {
    labels[i] = i < 40 ? 0 : 1
    for (let t = 0; t < d; t++) x[i * d + t] = (labels[i] ? 3 : -3) * (t === 0 ? 1 : 0) + rng.normal()
  }
  return { x, labels, n, d }
}

describe('locality index', () => {
  test('LE that decays with distance on the same manifold gives an index above 1; uniform LE gives 1', () => {
    // Points on a line, two labels interleaved in blocks: 0–9 label 0, 10–19 label 1.
    const n = 20
    const points = Float64Array.from({ length: n }, (_, i) => i)
    const labels = Int32Array.from({ length: n }, (_, i) => (i < 10 ? 0 : 1))
    const base = 4
    const decaying = Float64Array.from({ length: n }, (_, j) => Math.exp(-Math.abs(j - base)))
    // k = 2 nearest same-label points are 3 and 5 (LE e⁻¹ each); the rest average the others.
    let rest = 0
    for (let j = 0; j < n; j++) if (![3, 4, 5].includes(j)) rest += decaying[j]
    expect(localityOfRow(decaying, points, 1, labels, base, 2)).toBeCloseTo(Math.exp(-1) / (rest / 17), 10)
    expect(localityOfRow(new Float64Array(n).fill(0.5), points, 1, labels, base, 2)).toBeCloseTo(1, 12)
    // Rows for two bases, averaged.
    const rows = new Float64Array(2 * n)
    rows.set(decaying, 0)
    rows.set(new Float64Array(n).fill(0.5), n)
    expect(localityIndex(rows, [4, 15], points, 1, labels, 2)).toBeCloseTo((localityOfRow(decaying, points, 1, labels, 4, 2) + 1) / 2, 10)
  })
})

describe('clustering', () => {
  test('kernel K-means on a linear kernel separates two clusters (> 90 %), like K-means on the points', () => {
    const { x, labels, n, d } = twoClusters(5)
    const kernel = new Float64Array(n * n)
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let t = 0; t < d; t++) kernel[i * n + j] += x[i * d + t] * x[j * d + t]
    const kk = kernelKMeans(kernel, n, 2, { seed: 1 })
    expect(bestMatchAccuracy(kk.labels, labels, 2)).toBeGreaterThan(0.9)
    const km = kMeans(x, n, d, 2, { seed: 1 })
    expect(bestMatchAccuracy(km.labels, labels, 2)).toBeGreaterThan(0.9)
  })

  test('a kernel with no structure clusters near chance', () => {
    const n = 60
    const rng = createRng(9)
    const noise = symmetrize(Float64Array.from({ length: n * n }, () => rng.next()), n)
    const truth = Int32Array.from({ length: n }, (_, i) => i % 2)
    expect(bestMatchAccuracy(kernelKMeans(noise, n, 2, { seed: 2 }).labels, truth, 2)).toBeLessThan(0.75)
  })

  test('best matching tries every relabelling', () => {
    expect(bestMatchAccuracy([1, 1, 0, 0], [0, 0, 1, 1], 2)).toBe(1)
    expect(bestMatchAccuracy([2, 0, 1, 1], [0, 1, 2, 2], 3)).toBe(1)
    expect(bestMatchAccuracy([0, 0, 0, 1], [0, 1, 0, 1], 2)).toBe(0.75)
  })

  test('symmetrize and histogram', () => {
    expect(Array.from(symmetrize([1, 2, 4, 3], 2))).toEqual([1, 3, 3, 3])
    const h = histogram([0, 0.1, 0.5, 0.99, 1, 5, NaN], 2, 0, 1)
    expect(h.edges).toEqual([0, 0.5, 1])
    expect(h.counts).toEqual([2, 4])
  })
})
