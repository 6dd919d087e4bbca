/**
 * Pure analysis for the local elasticity study (spec `local-elasticity.md`): the locality index, kernel
 * K-means on an elasticity matrix, K-means baselines, best-matching clustering accuracy and histograms.
 * No tfjs: the engine computes the elasticities, these turn them into figures (and the renderer can too).
 */
import { createRng } from './rng'

/** Squared Euclidean distance between rows i and j of a row-major matrix with d columns. */
function dist2(x: ArrayLike<number>, d: number, i: number, j: number): number {
  let s = 0
  for (let k = 0; k < d; k++) {
    const t = x[i * d + k] - x[j * d + k]
    s += t * t
  }
  return s
}

/**
 * Locality of one base point's LE row: mean LE over its k nearest (Euclidean) points with the same label
 * ÷ mean LE over all the other points (the base itself excluded). > 1: the step moves neighbours on the
 * same manifold more than the rest — locally elastic; ≈ 1 or below: not.
 */
export function localityOfRow(le: ArrayLike<number>, points: ArrayLike<number>, dims: number, labels: ArrayLike<number>, base: number, k: number): number {
  const n = labels.length
  const same: { j: number; d: number }[] = []
  for (let j = 0; j < n; j++) if (j !== base && labels[j] === labels[base]) same.push({ j, d: dist2(points, dims, base, j) })
  same.sort((a, b) => a.d - b.d)
  const near = new Set(same.slice(0, k).map((s) => s.j))
  let nearSum = 0
  let restSum = 0
  let restCount = 0
  for (let j = 0; j < n; j++) {
    if (j === base || !Number.isFinite(le[j])) continue
    if (near.has(j)) nearSum += le[j]
    else {
      restSum += le[j]
      restCount++
    }
  }
  if (!near.size || !restCount || restSum === 0) return NaN
  return nearSum / near.size / (restSum / restCount)
}

/**
 * Locality index of a set of base points: the mean of their row localities. `le` is row-major
 * bases.length × n (row r = LE from base point bases[r] to every point).
 */
export function localityIndex(le: ArrayLike<number>, bases: ArrayLike<number>, points: ArrayLike<number>, dims: number, labels: ArrayLike<number>, k: number): number {
  const n = labels.length
  let sum = 0
  let count = 0
  for (let r = 0; r < bases.length; r++) {
    const v = localityOfRow(Array.prototype.slice.call(le, r * n, (r + 1) * n) as number[], points, dims, labels, bases[r], k)
    if (Number.isFinite(v)) {
      sum += v
      count++
    }
  }
  return count ? sum / count : NaN
}

/** ½(S + Sᵀ) of a square row-major matrix. */
export function symmetrize(s: ArrayLike<number>, n: number): Float64Array {
  const out = new Float64Array(n * n)
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[i * n + j] = 0.5 * (s[i * n + j] + s[j * n + i])
  return out
}

export interface Clustering {
  labels: Int32Array
  /** Within-cluster objective of the best restart (lower is better). */
  objective: number
}

/**
 * Kernel K-means on a square kernel matrix (row-major n × n): the distance of i to cluster c is
 * K_ii − 2/|c| Σ_{j∈c} K_ij + 1/|c|² Σ_{j,l∈c} K_jl. Seeded random initial assignments, `restarts` times,
 * the lowest objective wins. Non-finite kernel entries count as 0.
 */
export function kernelKMeans(kernel: ArrayLike<number>, n: number, k: number, opts: { seed?: number; restarts?: number; maxIter?: number } = {}): Clustering {
  const K = Float64Array.from({ length: n * n }, (_, i) => (Number.isFinite(kernel[i]) ? kernel[i] : 0))
  const rng = createRng(opts.seed ?? 0)
  let best: Clustering = { labels: new Int32Array(n), objective: Infinity }
  for (let r = 0; r < (opts.restarts ?? 10); r++) {
    const labels = Int32Array.from({ length: n }, (_, i) => (i < k ? i : rng.int(k)))
    rng.shuffle(labels)
    let objective = Infinity
    for (let iter = 0; iter < (opts.maxIter ?? 100); iter++) {
      const size = new Float64Array(k)
      const within = new Float64Array(k)
      for (let i = 0; i < n; i++) size[labels[i]]++
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (labels[i] === labels[j]) within[labels[i]] += K[i * n + j]
      const next = new Int32Array(n)
      objective = 0
      for (let i = 0; i < n; i++) {
        const cross = new Float64Array(k)
        for (let j = 0; j < n; j++) cross[labels[j]] += K[i * n + j]
        let bestC = labels[i]
        let bestD = Infinity
        for (let c = 0; c < k; c++) {
          if (!size[c]) continue
          const d = K[i * n + i] - (2 * cross[c]) / size[c] + within[c] / (size[c] * size[c])
          if (d < bestD - 1e-12) {
            bestD = d
            bestC = c
          }
        }
        next[i] = bestC
        objective += bestD
      }
      const changed = next.some((v, i) => v !== labels[i])
      labels.set(next)
      if (!changed) break
    }
    if (objective < best.objective) best = { labels: labels.slice(), objective }
  }
  return best
}

/** K-means (k-means++ seeding, Lloyd iterations) on row-major points n × d. */
export function kMeans(points: ArrayLike<number>, n: number, d: number, k: number, opts: { seed?: number; restarts?: number; maxIter?: number } = {}): Clustering {
  const rng = createRng(opts.seed ?? 0)
  let best: Clustering = { labels: new Int32Array(n), objective: Infinity }
  for (let r = 0; r < (opts.restarts ?? 10); r++) {
    const centres = new Float64Array(k * d)
    const pick = (c: number, i: number) => {
      for (let t = 0; t < d; t++) centres[c * d + t] = points[i * d + t]
    }
    pick(0, rng.int(n))
    const nearest = new Float64Array(n).fill(Infinity)
    for (let c = 1; c < k; c++) {
      let total = 0
      for (let i = 0; i < n; i++) {
        let s = 0
        for (let t = 0; t < d; t++) s += (points[i * d + t] - centres[(c - 1) * d + t]) ** 2
        nearest[i] = Math.min(nearest[i], s)
        total += nearest[i]
      }
      let u = rng.next() * total
      let chosen = n - 1
      for (let i = 0; i < n; i++) {
        u -= nearest[i]
        if (u <= 0) {
          chosen = i
          break
        }
      }
      pick(c, chosen)
    }
    const labels = new Int32Array(n).fill(-1)
    let objective = Infinity
    for (let iter = 0; iter < (opts.maxIter ?? 100); iter++) {
      let changed = false
      objective = 0
      for (let i = 0; i < n; i++) {
        let bc = 0
        let bd = Infinity
        for (let c = 0; c < k; c++) {
          let s = 0
          for (let t = 0; t < d; t++) s += (points[i * d + t] - centres[c * d + t]) ** 2
          if (s < bd) {
            bd = s
            bc = c
          }
        }
        if (labels[i] !== bc) changed = true
        labels[i] = bc
        objective += bd
      }
      if (!changed) break
      const sums = new Float64Array(k * d)
      const counts = new Float64Array(k)
      for (let i = 0; i < n; i++) {
        counts[labels[i]]++
        for (let t = 0; t < d; t++) sums[labels[i] * d + t] += points[i * d + t]
      }
      for (let c = 0; c < k; c++) if (counts[c]) for (let t = 0; t < d; t++) centres[c * d + t] = sums[c * d + t] / counts[c]
    }
    if (objective < best.objective) best = { labels: labels.slice(), objective }
  }
  return best
}

function permutations(k: number): number[][] {
  if (k === 1) return [[0]]
  const out: number[][] = []
  for (const p of permutations(k - 1)) for (let i = 0; i <= p.length; i++) out.push([...p.slice(0, i), k - 1, ...p.slice(i)])
  return out
}

/** Clustering accuracy under the best matching of cluster ids to classes (all permutations; k ≤ 7). */
export function bestMatchAccuracy(predicted: ArrayLike<number>, truth: ArrayLike<number>, k: number): number {
  if (k > 7) throw new Error('bestMatchAccuracy: at most 7 clusters')
  const confusion = new Float64Array(k * k)
  for (let i = 0; i < predicted.length; i++) confusion[predicted[i] * k + truth[i]]++
  let best = 0
  for (const p of permutations(k)) {
    let s = 0
    for (let c = 0; c < k; c++) s += confusion[c * k + p[c]]
    best = Math.max(best, s)
  }
  return predicted.length ? best / predicted.length : NaN
}

/** Histogram of the finite values over `bins` equal bins of [lo, hi] (values outside are clamped in). */
export function histogram(values: ArrayLike<number>, bins: number, lo: number, hi: number): { edges: number[]; counts: number[] } {
  const counts = new Array<number>(bins).fill(0)
  const width = (hi - lo) / bins || 1
  for (let i = 0; i < values.length; i++) {
    const v = values[i]
    if (!Number.isFinite(v)) continue
    counts[Math.min(bins - 1, Math.max(0, Math.floor((v - lo) / width)))]++
  }
  return { edges: Array.from({ length: bins + 1 }, (_, i) => lo + i * width), counts }
}
