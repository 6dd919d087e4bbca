/**
 * Aggregating the curves of a group of runs (seeds of one setting) into one mean line with a band.
 */

export type BandKind = 'std' | 'minmax'

export interface GroupCurve {
  x: Float64Array
  mean: Float64Array
  /** Band edges: mean ± std, or min / max across the runs present at that x. */
  lower: Float64Array
  upper: Float64Array
  /** How many runs cover each x. */
  count: Uint16Array
}

/**
 * Align curves on the sorted union of their x values; each run contributes at an x by linear
 * interpolation between its own neighbouring points, only inside its own [first x, last x] (no
 * extrapolation), skipping non-finite values. std is the population std (÷n); one run → band of width 0.
 * `maxPoints` (optional) first resamples the union grid to at most that many evenly spaced x values.
 * Where no run covers an x (possible after resampling), mean and band are NaN: a gap.
 */
export function aggregateCurves(curves: { x: ArrayLike<number>; y: ArrayLike<number> }[], band: BandKind, maxPoints?: number): GroupCurve {
  if (maxPoints !== undefined && !(maxPoints >= 1)) throw new RangeError(`maxPoints must be at least 1, got ${maxPoints}`)
  const runs = curves.map((c, i) => finitePoints(c.x, c.y, i))
  let grid = unionGrid(runs)
  if (maxPoints !== undefined && grid.length > maxPoints) grid = evenGrid(grid[0], grid[grid.length - 1], Math.floor(maxPoints))
  const m = grid.length
  // Welford's running mean and squared deviations: one pass per run, stable for large values with a small spread.
  const mean = new Float64Array(m)
  const m2 = new Float64Array(m)
  const min = new Float64Array(m).fill(Infinity)
  const max = new Float64Array(m).fill(-Infinity)
  const count = new Uint16Array(m)
  for (const run of runs) {
    const { x, y } = run
    const n = x.length
    if (n === 0) continue
    // Walk the grid and the run together: j is the run's last point at or before the grid x.
    let j = 0
    for (let g = lowerBound(grid, x[0]); g < m && grid[g] <= x[n - 1]; g++) {
      const gx = grid[g]
      while (j + 1 < n && x[j + 1] <= gx) j++
      const v = x[j] === gx || j + 1 >= n ? y[j] : y[j] + ((gx - x[j]) / (x[j + 1] - x[j])) * (y[j + 1] - y[j])
      const c = ++count[g]
      const delta = v - mean[g]
      mean[g] += delta / c
      m2[g] += delta * (v - mean[g])
      if (v < min[g]) min[g] = v
      if (v > max[g]) max[g] = v
    }
  }
  const lower = new Float64Array(m)
  const upper = new Float64Array(m)
  for (let g = 0; g < m; g++) {
    if (count[g] === 0) {
      mean[g] = lower[g] = upper[g] = NaN
    } else if (band === 'std') {
      const std = Math.sqrt(m2[g] / count[g])
      lower[g] = mean[g] - std
      upper[g] = mean[g] + std
    } else {
      lower[g] = min[g]
      upper[g] = max[g]
    }
  }
  return { x: grid, mean, lower, upper, count }
}

interface Points {
  x: Float64Array
  y: Float64Array
}

/** A run's finite points in ascending x (curves come sorted; anything else is sorted here). */
function finitePoints(x: ArrayLike<number>, y: ArrayLike<number>, index: number): Points {
  if (x.length !== y.length) throw new RangeError(`curve ${index}: x and y differ in length (${x.length} vs ${y.length})`)
  const xs = new Float64Array(x.length)
  const ys = new Float64Array(x.length)
  let kept = 0
  let sorted = true
  for (let i = 0; i < x.length; i++) {
    const xi = x[i]
    const yi = y[i]
    if (!Number.isFinite(xi) || !Number.isFinite(yi)) continue
    if (kept > 0 && xi < xs[kept - 1]) sorted = false
    xs[kept] = xi
    ys[kept++] = yi
  }
  const points = { x: kept === x.length ? xs : xs.slice(0, kept), y: kept === x.length ? ys : ys.slice(0, kept) }
  return sorted ? points : sortedByX(points)
}

function sortedByX(p: Points): Points {
  const order = Array.from({ length: p.x.length }, (_, i) => i).sort((a, b) => p.x[a] - p.x[b] || a - b)
  return { x: Float64Array.from(order, (i) => p.x[i]), y: Float64Array.from(order, (i) => p.y[i]) }
}

/** Sorted distinct x of all runs: runs merged pairwise (each run is sorted), so shared steps cost little. */
function unionGrid(runs: Points[]): Float64Array {
  let layer = runs.map((r) => distinctSorted(r.x))
  if (layer.length === 0) return new Float64Array(0)
  while (layer.length > 1) {
    const next: Float64Array[] = []
    for (let i = 0; i < layer.length; i += 2) next.push(i + 1 < layer.length ? mergeDistinct(layer[i], layer[i + 1]) : layer[i])
    layer = next
  }
  return layer[0]
}

function distinctSorted(x: Float64Array): Float64Array {
  let unique = 0
  const out = new Float64Array(x.length)
  for (let i = 0; i < x.length; i++) if (unique === 0 || x[i] !== out[unique - 1]) out[unique++] = x[i]
  return unique === x.length ? out : out.slice(0, unique)
}

function mergeDistinct(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length + b.length)
  let i = 0
  let j = 0
  let k = 0
  while (i < a.length || j < b.length) {
    const v = j >= b.length || (i < a.length && a[i] <= b[j]) ? a[i++] : b[j++]
    if (k === 0 || v !== out[k - 1]) out[k++] = v
  }
  return out.slice(0, k)
}

function evenGrid(from: number, to: number, points: number): Float64Array {
  if (points === 1) return Float64Array.of(from)
  const step = (to - from) / (points - 1)
  const grid = Float64Array.from({ length: points }, (_, i) => from + i * step)
  grid[points - 1] = to
  return grid
}

/** First index with grid[i] >= value. */
function lowerBound(grid: Float64Array, value: number): number {
  let lo = 0
  let hi = grid.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (grid[mid] < value) lo = mid + 1
    else hi = mid
  }
  return lo
}

export interface ValueStats {
  n: number
  mean: number
  /** Population std (÷n), as the curve bands: one run → 0. */
  std: number
  min: number
  max: number
}

/**
 * Mean ± std (and range) of one number per run — a metric's final value over the seeds of one setting —
 * with the same conventions as aggregateCurves (Welford, population std, non-finite values skipped). Null
 * when no run has a finite value.
 */
export function aggregateValues(values: readonly (number | null | undefined)[]): ValueStats | null {
  let n = 0
  let mean = 0
  let m2 = 0
  let min = Infinity
  let max = -Infinity
  for (const v of values) {
    if (typeof v !== 'number' || !Number.isFinite(v)) continue
    n++
    const delta = v - mean
    mean += delta / n
    m2 += delta * (v - mean)
    if (v < min) min = v
    if (v > max) max = v
  }
  return n ? { n, mean, std: Math.sqrt(m2 / n), min, max } : null
}
