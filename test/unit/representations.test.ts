/**
 * The thesis ch. 5 measures (src-shared/representations/) on crafted data, and the backend neighbour search
 * against brute force: LSD = 0 on a linearly solvable set and > 0 on XOR at layer 0; H(Y|z) on a crafted
 * selection; k-redundancy and k-filtering on a crafted set; the pure Voronoi purity invariant on random data.
 */
import { beforeAll, describe, expect, test } from 'vitest'
import { tf, useBackend } from '../../src-main/engine/compute/backend'
import { nearestNeighbours } from '../../src-main/engine/compute/neighbours'
import { entropyBits, featureEntropiesOf, slidingEntropy } from '../../src-shared/representations/conditionalEntropy'
import { lsdFromMoments } from '../../src-shared/representations/lsd'
import { momentsOf } from '../../src-shared/representations/moments'
import { bruteForceNeighbours, kFilterKeep, kRedundancy } from '../../src-shared/representations/redundancy'
import { pureVoronoi } from '../../src-shared/representations/voronoi'
import { createRng } from '../../src-shared/rng'

beforeAll(async () => {
  await useBackend('wasm')
})

const lsd = (z: number[][], labels: number[], c: number, bias = true) => lsdFromMoments(momentsOf(z.flat(), z.length, z[0].length, labels, c), { bias, rcond: 1e-9, ridge: 0 }).lsd

describe('least-squares distance', () => {
  test('0 when one-hot labels are an affine function of Z, > 0 on XOR at layer 0', () => {
    // Three classes, each a corner of a simplex: Y = affine(Z) exactly.
    const rng = createRng(1)
    const z: number[][] = []
    const y: number[] = []
    for (let i = 0; i < 60; i++) {
      const c = i % 3
      y.push(c)
      z.push([c === 1 ? 1 : 0, c === 2 ? 1 : 0, rng.next()]) // a third, irrelevant feature
    }
    expect(lsd(z, y, 3)).toBeLessThan(1e-9)
    // XOR: no affine map of (x1, x2) gives the labels; the best is the constant ½ → LSD = ½ (two one-hot columns, each off by ½).
    const xor = [[0, 0], [0, 1], [1, 0], [1, 1]]
    expect(lsd(xor, [0, 1, 1, 0], 2)).toBeCloseTo(0.5, 9)
    // With the product feature x1·x2 XOR becomes affine: LSD 0 (a layer that linearises the problem).
    expect(lsd(xor.map(([a, b]) => [a, b, a * b]), [0, 1, 1, 0], 2)).toBeLessThan(1e-9)
  })

  test('rank-deficient Z (a dead unit, a duplicated feature) is solved by the truncated pseudo-inverse', () => {
    const z = [[0, 1, 1], [0, 2, 2], [0, 3, 3], [0, 4, 4]]
    const y = [0, 0, 1, 1]
    // Against plain least squares on the single informative feature (x = 1..4): residual of the fit.
    const xs = [1, 2, 3, 4]
    const mx = 2.5
    const t = y.map((v) => (v === 1 ? 1 : 0))
    const mt = 0.5
    const beta = xs.reduce((s, x, i) => s + (x - mx) * (t[i] - mt), 0) / xs.reduce((s, x) => s + (x - mx) ** 2, 0)
    const res = xs.reduce((s, x, i) => s + (t[i] - mt - beta * (x - mx)) ** 2, 0)
    expect(lsd(z, y, 2)).toBeCloseTo((2 * res) / 4, 9)
    expect(lsdFromMoments(momentsOf(z.flat(), 4, 3, y, 2)).rank).toBe(1)
  })
})

describe('feature-wise conditional entropy', () => {
  test('a crafted selection: pure, mixed, empty units', () => {
    // Unit 0 selects only class 0 (H 0); unit 1 selects two of each of classes 0 and 1 (H 1); unit 2 selects nothing.
    const a = [
      [1, 1, -1],
      [2, 1, -1],
      [-1, 1, 0],
      [-1, 1, -3],
      [-1, -1, -1]
    ]
    const labels = [0, 0, 1, 1, 2]
    const h = featureEntropiesOf(a.flat(), 5, 3, labels, 3)
    expect(h.perUnit).toEqual([0, 1, null])
    expect(h.empty).toBe(1)
    expect(h.mean).toBeCloseTo(0.5, 12)
    expect(entropyBits([1, 1, 1, 1])).toBeCloseTo(2, 12)
    expect(slidingEntropy([0, 0, 1, 1], 2, 2)).toEqual([0, 1, 0])
  })
})

describe('k-redundancy and k-filtering', () => {
  // Two tight clusters on a line, plus a boundary pair near the middle.
  const x = [0, 0.1, 0.2, 0.3, 10, 10.1, 10.2, 10.3, 4.9, 5.1]
  const labels = [0, 0, 0, 0, 1, 1, 1, 1, 0, 1]
  const nb = bruteForceNeighbours(x, x.length, 1, 3)

  test('a sample is redundant when all its k nearest neighbours share its class', () => {
    // k = 1: every sample's nearest neighbour shares its class except the boundary pair (each other's nearest).
    expect(kRedundancy(nb, 3, labels, 1)).toBeCloseTo(8 / 10, 12)
    // k = 3: the boundary pair's 3 neighbours are each other plus a cluster, so still mixed; cluster points are pure.
    expect(kRedundancy(nb, 3, labels, 3)).toBeCloseTo(8 / 10, 12)
  })

  test('k-filtering keeps exactly the samples whose neighbourhood is mixed', () => {
    const keep = kFilterKeep(nb, 3, labels, 3)
    expect(keep).toEqual([8, 9])
    for (let r = 0; r < x.length; r++) {
      const mixed = [0, 1, 2].some((i) => labels[nb[r * 3 + i]] !== labels[r])
      expect(keep.includes(r), `row ${r}`).toBe(mixed)
    }
  })

  test('the backend search equals brute force, in the whole set and within chunks', () => {
    const rng = createRng(7)
    const n = 230
    const d = 5
    const pts = Float32Array.from({ length: n * d }, () => rng.next())
    for (const chunk of [0, 64]) {
      const got = nearestNeighbours(tf, pts, n, d, 6, { chunk })!
      const want = bruteForceNeighbours(pts, n, d, 6, chunk)
      // The last chunk of 38 rows is merged into the one before only when too small for K (not here).
      expect(Array.from(got), `chunk ${chunk}`).toEqual(Array.from(want))
    }
    const bytes = Uint8Array.from({ length: 40 * 3 }, () => rng.int(256))
    expect(Array.from(nearestNeighbours(tf, bytes, 40, 3, 4, { chunk: 0 }, 1 / 255)!)).toEqual(Array.from(bruteForceNeighbours(Array.from(bytes, (v) => v / 255), 40, 3, 4)))
  })

  test('cancelling stops the search', () => {
    const pts = Float32Array.from({ length: 100 * 2 }, (_, i) => i % 7)
    expect(nearestNeighbours(tf, pts, 100, 2, 3, { chunk: 10, progress: () => false })).toBeNull()
  })
})

describe('pure Voronoi map', () => {
  test('on random labels every sample\'s nearest centroid has its label', () => {
    for (const seed of [1, 2, 3]) {
      const rng = createRng(seed)
      const n = 300
      const x = Float64Array.from({ length: n * 2 }, () => rng.next())
      const labels = Int32Array.from({ length: n }, () => rng.int(3))
      const v = pureVoronoi(x, n, 2, labels)
      expect(v.pure).toBe(true)
      for (let r = 0; r < n; r++) {
        let best = Infinity
        let at = -1
        for (let c = 0; c < v.centroidLabels.length; c++) {
          const dist = (x[r * 2] - v.centroids[c * 2]) ** 2 + (x[r * 2 + 1] - v.centroids[c * 2 + 1]) ** 2
          if (dist < best) [best, at] = [dist, c]
        }
        expect(v.centroidLabels[at], `sample ${r}`).toBe(labels[r])
      }
      expect(v.cells).toBeGreaterThan(3)
      expect(v.entropy).toBeGreaterThan(Math.log2(3))
      expect(v.entropy).toBeLessThanOrEqual(Math.log2(v.cells) + 1e-12)
    }
  })

  test('two separable blobs need only the class means; coincident samples of two classes cannot be pure', () => {
    const x = [0, 0, 0.1, 0, 5, 5, 5.1, 5]
    const v = pureVoronoi(x, 4, 2, [0, 0, 1, 1])
    expect(v).toMatchObject({ pure: true, cells: 2, rounds: 0 })
    expect(v.entropy).toBeCloseTo(1, 12)
    const clash = pureVoronoi([1, 1, 1, 1, 3, 3], 3, 2, [0, 1, 0], { maxRounds: 20, maxCentroids: 100 })
    expect(clash.pure).toBe(false)
  })
})

describe('k-filter dataset transform', () => {
  test('a new dataset of exactly the mixed-neighbourhood samples (within chunks of a seeded shuffle), recording parent, k and the kept fraction', async () => {
    const { applyTransform } = await import('../../src-main/engine/datasets/transforms')
    const rng = createRng(5)
    const n = 300
    const x = Float32Array.from({ length: n * 2 }, () => rng.next())
    // Labels by a wavy boundary: points far from it have pure neighbourhoods.
    const y = Int32Array.from({ length: n }, (_, i) => (x[2 * i + 1] > 0.5 + 0.2 * Math.sin(6 * x[2 * i]) ? 1 : 0))
    const info = { id: 'p', name: 'toy', checksum: '', classNames: null, shape: { n, sample: [2], dtype: 'float32', task: 'classification', classes: 2, targets: 1 } } as any
    const search = (xs: Float32Array | Uint8Array, m: number, d: number, K: number, chunk: number, scale: number) => nearestNeighbours(tf, xs, m, d, K, { chunk }, scale)!
    const [out] = applyTransform({ info, x, y }, { op: 'k-filter', k: 5, chunk: 100, seed: 3 }, undefined, () => {}, search)
    // The same selection by brute force on the same shuffled chunks.
    const order = createRng(3).shuffle(Int32Array.from({ length: n }, (_, i) => i))
    const sx = new Float32Array(n * 2)
    order.forEach((r, i) => sx.set(x.subarray(2 * r, 2 * r + 2), 2 * i))
    const nb = bruteForceNeighbours(sx, n, 2, 5, 100)
    const keep = kFilterKeep(nb, 5, Array.from(order, (r) => y[r]), 5).map((i) => order[i]).sort((a, b) => a - b)
    expect(out.shape.n).toBe(keep.length)
    expect(Array.from(out.x)).toEqual(keep.flatMap((r) => [x[2 * r], x[2 * r + 1]]))
    expect(out.details).toMatchObject({ k: 5, chunk: 100, seed: 3, kept: keep.length / n, keptSamples: keep.length, of: n })
    expect(out.name).toBe('toy · k-filter k=5')
    expect(keep.length).toBeGreaterThan(0)
    expect(keep.length).toBeLessThan(n)
    expect(() => applyTransform({ info, x, y }, { op: 'k-filter', k: 5, chunk: 5, seed: 3 }, undefined, () => {}, search)).toThrow(/chunks of more than 5/)
    // A chunk too large to hold on the backend is refused before any array is touched (1 GB of float32 features at most).
    const wide = { ...info, shape: { ...info.shape, n: 70_000, sample: [4096] } }
    expect(() => applyTransform({ info: wide, x, y }, { op: 'k-filter', k: 5, chunk: 0 }, undefined, () => {}, search)).toThrow(/70000 samples of 4096 features would need 1\.1 GB at once; choose a chunk of at most 65536 samples/)
  })
})
