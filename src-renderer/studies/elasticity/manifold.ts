/**
 * The pure parts of the manifold panel: decoding the elasticity rows, colouring the points by the selected base
 * point's row, picking the base point nearest a click, and the S_rel-vs-distance trend. Kept out of the component
 * so they can be tested without a canvas.
 */
import { decodeBase64 } from '../../lib/boundary'

/** A base64 little-endian Float32 matrix (rows × cols), checked against the size the payload claims. */
export function decodeMatrix(base64: string, rows: number, cols: number): Float32Array {
  const bytes = decodeBase64(base64)
  if (bytes.length !== rows * cols * 4)
    throw new Error(`elasticity matrix: expected ${rows} × ${cols} float32 values (${rows * cols * 4} bytes), got ${bytes.length} bytes`)
  // Copy into an aligned buffer (a Uint8Array view may start at any offset); the wire format is little-endian.
  const out = new Float32Array(rows * cols)
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true)
  return out
}

/** Row `row` of a row-major matrix with `cols` columns. */
export function matrixRow(m: Float32Array, row: number, cols: number): Float32Array {
  return m.subarray(row * cols, (row + 1) * cols)
}

export interface ColourRange {
  lo: number
  hi: number
}

/**
 * The colour range of one row: from its smallest finite value to its 95th percentile, leaving out the base point
 * itself (LE(x, x) = 1 by definition) so a few large values do not wash out the rest.
 */
export function rowRange(values: ArrayLike<number>, exclude: number | null): ColourRange {
  const v: number[] = []
  for (let i = 0; i < values.length; i++) if (i !== exclude && Number.isFinite(values[i])) v.push(values[i])
  if (!v.length) return { lo: 0, hi: 1 }
  v.sort((a, b) => a - b)
  const lo = v[0]
  const hi = v[Math.min(v.length - 1, Math.floor(0.95 * (v.length - 1)))]
  return { lo, hi: hi > lo ? hi : lo + 1e-12 }
}

/** Viridis-like stops: dark violet (small elasticity) → yellow (large); readable on dark and light panels. */
const STOPS: [number, number, number][] = [
  [68, 1, 84],
  [72, 40, 120],
  [62, 74, 137],
  [49, 104, 142],
  [38, 130, 142],
  [31, 158, 137],
  [53, 183, 121],
  [109, 205, 89],
  [180, 222, 44],
  [253, 231, 37]
]

/** The colour of t ∈ [0, 1] (clamped) on the scale, as [r, g, b] (0–255). */
export function scaleRgb(t: number): [number, number, number] {
  const u = Number.isFinite(t) ? Math.max(0, Math.min(1, t)) * (STOPS.length - 1) : 0
  const i = Math.min(STOPS.length - 2, Math.floor(u))
  const f = u - i
  const c = STOPS[i].map((a, k) => Math.round(a + (STOPS[i + 1][k] - a) * f))
  return [c[0], c[1], c[2]]
}

/** The colour of t ∈ [0, 1] (clamped) on the scale, as `rgb(r, g, b)`. */
export function scaleColour(t: number): string {
  const [r, g, b] = scaleRgb(t)
  return `rgb(${r}, ${g}, ${b})`
}

/** Gradient stops for the legend (CSS linear-gradient arguments). */
export function legendGradient(): string {
  return STOPS.map((c, i) => `rgb(${c.join(', ')}) ${((i / (STOPS.length - 1)) * 100).toFixed(0)}%`).join(', ')
}

/**
 * The colour of every point for the selected base point: its LE/S_rel in row `row` of the matrix (bases × n),
 * mapped through the row's range. Non-finite values (a failed step) are grey.
 */
export function pointColours(le: Float32Array, row: number, n: number, basePoint: number | null): { colours: string[]; range: ColourRange } {
  const values = matrixRow(le, row, n)
  const range = rowRange(values, basePoint)
  const colours = Array.from(values, (v) => (Number.isFinite(v) ? scaleColour((v - range.lo) / (range.hi - range.lo)) : 'rgb(128, 128, 128)'))
  return { colours, range }
}

/** The base point (index into `positions`) nearest the click, if one lies within `maxDistance` pixels. */
export function pickBase(positions: readonly { x: number; y: number }[], x: number, y: number, maxDistance = 18): number | null {
  let best: number | null = null
  let bestD = maxDistance * maxDistance
  positions.forEach((p, i) => {
    const d = (p.x - x) ** 2 + (p.y - y) ** 2
    if (d <= bestD) {
      bestD = d
      best = i
    }
  })
  return best
}

/** The next (delta = +1) or previous (−1) base point, wrapping round. */
export function cycleBase(current: number, count: number, delta: number): number {
  if (count <= 0) return 0
  return (((current + delta) % count) + count) % count
}

/** Euclidean distance of every point (row-major n × dims) from point `from`. */
export function distancesFrom(x: ArrayLike<number>, dims: number, from: number): Float64Array {
  const n = Math.floor(x.length / dims)
  const out = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    let s = 0
    for (let d = 0; d < dims; d++) s += (x[i * dims + d] - x[from * dims + d]) ** 2
    out[i] = Math.sqrt(s)
  }
  return out
}

export interface DistanceTrend {
  /** [distance, S_rel] per point other than the base point. */
  scatter: [number, number][]
  /** [bin centre, mean S_rel of the bin] for every non-empty bin: the smoothed trend. */
  trend: [number, number][]
}

/** S_rel against distance from the base point, with binned means over `bins` equal-width distance bins. */
export function distanceTrend(distances: ArrayLike<number>, values: ArrayLike<number>, basePoint: number | null, bins = 20): DistanceTrend {
  const scatter: [number, number][] = []
  let max = 0
  for (let i = 0; i < distances.length; i++) {
    if (i === basePoint || !Number.isFinite(values[i])) continue
    scatter.push([distances[i], values[i]])
    if (distances[i] > max) max = distances[i]
  }
  const sum = new Float64Array(bins)
  const count = new Float64Array(bins)
  const width = max / bins || 1
  for (const [d, v] of scatter) {
    const b = Math.min(bins - 1, Math.floor(d / width))
    sum[b] += v
    count[b]++
  }
  const trend: [number, number][] = []
  for (let b = 0; b < bins; b++) if (count[b]) trend.push([(b + 0.5) * width, sum[b] / count[b]])
  return { scatter, trend }
}

/** The payload shape the manifold views need from an elasticity matrix (see `ElasticityMatrixPayload`). */
export interface ElasticityRows {
  bases: number[]
  n: number
  le: string
}

/** Decode an elasticity payload's LE matrix, or say what is wrong with it. */
export function decodeRows(p: ElasticityRows, pointCount: number): { le: Float32Array } | { error: string } {
  if (p.n !== pointCount) return { error: `the elasticity rows cover ${p.n} points but ${pointCount} points were logged` }
  const badBase = p.bases.find((b) => !(b >= 0 && b < p.n))
  if (badBase !== undefined) return { error: `base point ${badBase} is not one of the ${p.n} points` }
  try {
    return { le: decodeMatrix(p.le, p.bases.length, p.n) }
  } catch (e) {
    return { error: (e as Error).message }
  }
}
