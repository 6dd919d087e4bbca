/**
 * The pure Voronoi map and pure entropy H*(X; Y) of thesis Defs 5–7: centroids labelled by class such that
 * every sample's nearest centroid has the sample's label; H* = −Σ_v p(v) log₂ p(v) over the cells, p(v) the
 * fraction of samples in cell v. The thesis gives no algorithm; this one (the spec's): start from the class
 * means; while some sample's nearest centroid has the wrong label, add the mean of each group of misassigned
 * samples (grouped by cell and true class) as a new centroid with that class. A group of one sample adds the
 * sample itself, so every round fixes at least that sample unless two samples coincide with different labels —
 * then no pure map exists, and the result says so.
 */

export interface PureVoronoi {
  /** Row-major |C| × d. */
  centroids: Float64Array
  centroidLabels: number[]
  /** Nearest centroid of every sample. */
  cell: Int32Array
  /** Cells holding at least one sample. */
  cells: number
  entropy: number
  /** Every sample's nearest centroid has its label. */
  pure: boolean
  rounds: number
}

export interface VoronoiLimits {
  maxRounds: number
  maxCentroids: number
}

function nearest(x: ArrayLike<number>, n: number, d: number, cent: Float64Array, k: number, cell: Int32Array): void {
  for (let r = 0; r < n; r++) {
    let best = Infinity
    let at = 0
    for (let c = 0; c < k; c++) {
      let dist = 0
      for (let j = 0; j < d; j++) {
        const t = x[r * d + j] - cent[c * d + j]
        dist += t * t
      }
      if (dist < best) {
        best = dist
        at = c
      }
    }
    cell[r] = at
  }
}

/** Classes must be < 65 536 (groups are keyed by cell · 65 536 + class). */
export function pureVoronoi(x: ArrayLike<number>, n: number, d: number, labels: ArrayLike<number>, limits: VoronoiLimits = { maxRounds: 500, maxCentroids: 100_000 }): PureVoronoi {
  const groups = new Map<number, { sum: Float64Array; count: number; label: number }>()
  const addTo = (key: number, r: number, label: number) => {
    let g = groups.get(key)
    if (!g) groups.set(key, (g = { sum: new Float64Array(d), count: 0, label }))
    g.count++
    for (let j = 0; j < d; j++) g.sum[j] += x[r * d + j]
  }
  for (let r = 0; r < n; r++) addTo(labels[r], r, labels[r])
  const centroids: number[] = []
  const centroidLabels: number[] = []
  const flush = () => {
    // Ascending keys: class means by class, then groups by cell and class (deterministic order).
    for (const key of [...groups.keys()].sort((a, b) => a - b)) {
      const g = groups.get(key)!
      for (let j = 0; j < d; j++) centroids.push(g.sum[j] / g.count)
      centroidLabels.push(g.label)
    }
    groups.clear()
  }
  flush()
  const cell = new Int32Array(n)
  let rounds = 0
  let pure = false
  let cent = Float64Array.from(centroids)
  for (;;) {
    nearest(x, n, d, cent, centroidLabels.length, cell)
    let wrong = 0
    for (let r = 0; r < n; r++) {
      if (centroidLabels[cell[r]] === labels[r]) continue
      wrong++
      addTo(cell[r] * 65_536 + labels[r], r, labels[r])
    }
    if (!wrong) {
      pure = true
      break
    }
    if (rounds >= limits.maxRounds || centroidLabels.length + groups.size > limits.maxCentroids) {
      groups.clear()
      break
    }
    rounds++
    flush()
    cent = Float64Array.from(centroids)
  }
  const counts = new Map<number, number>()
  for (let r = 0; r < n; r++) counts.set(cell[r], (counts.get(cell[r]) ?? 0) + 1)
  let entropy = 0
  for (const c of counts.values()) {
    const p = c / n
    entropy -= p * Math.log2(p)
  }
  return { centroids: cent, centroidLabels, cell, cells: counts.size, entropy, pure, rounds }
}
