/**
 * Downsampling a curve to about the chart's pixel width. Full resolution stays in the store; each chart
 * asks for what it can draw.
 */

export interface XY {
  x: Float64Array
  y: Float64Array
}

/**
 * Largest-Triangle-Three-Buckets to `threshold` points, keeping the first and last point, and also the
 * minimum and maximum y of every bucket (so spikes survive: the result may hold up to ~3×threshold
 * points, in x order, without duplicates). Non-finite y are kept as gaps (NaN) at their bucket.
 * Input of ≤ threshold points is returned as is (copied).
 */
export function downsampleLttb(x: ArrayLike<number>, y: ArrayLike<number>, threshold: number): XY {
  if (x.length !== y.length) throw new RangeError(`x and y differ in length (${x.length} vs ${y.length})`)
  if (Number.isNaN(threshold)) throw new RangeError('downsampling threshold must be a number')
  const n = y.length
  // Fewer than 3 would leave no bucket between the two ends.
  const target = Math.max(3, Math.floor(threshold))
  if (n <= target) return { x: new Float64Array(x as ArrayLike<number>), y: new Float64Array(y as ArrayLike<number>) }
  const keep = lttbIndices(x, y, target)
  const outX = new Float64Array(keep.length)
  const outY = new Float64Array(keep.length)
  for (let k = 0; k < keep.length; k++) {
    outX[k] = x[keep[k]]
    outY[k] = y[keep[k]]
  }
  return { x: outX, y: outY }
}

/** The kept indices, ascending: first, per bucket its LTTB point, min, max and first gap, then last. */
function lttbIndices(x: ArrayLike<number>, y: ArrayLike<number>, threshold: number): Uint32Array {
  const n = y.length
  const buckets = threshold - 2
  const every = (n - 2) / buckets
  // At most 4 per bucket (LTTB pick, min, max, a gap) plus the two ends.
  const keep = new Uint32Array(buckets * 4 + 2)
  let kept = 0
  keep[kept++] = 0
  // The triangle's left corner: the last finite point kept so far (none while the curve starts with gaps).
  let anchor = Number.isFinite(y[0]) ? 0 : -1
  const picks = [0, 0, 0, 0]
  for (let b = 0; b < buckets; b++) {
    const start = Math.floor(b * every) + 1
    const end = Math.min(Math.floor((b + 1) * every) + 1, n - 1)
    const [avgX, avgY] = nextBucketAverage(x, y, end, Math.min(Math.floor((b + 2) * every) + 1, n), anchor)
    let best = -1
    let bestArea = -1
    let minAt = -1
    let maxAt = -1
    let gapAt = -1
    for (let i = start; i < end; i++) {
      const yi = y[i]
      if (!Number.isFinite(yi)) {
        if (gapAt < 0) gapAt = i
        continue
      }
      if (minAt < 0 || yi < y[minAt]) minAt = i
      if (maxAt < 0 || yi > y[maxAt]) maxAt = i
      if (anchor >= 0) {
        const ax = x[anchor]
        const ay = y[anchor]
        const area = Math.abs((ax - avgX) * (yi - ay) - (ax - x[i]) * (avgY - ay))
        if (area > bestArea) {
          bestArea = area
          best = i
        }
      }
    }
    let count = 0
    for (const i of [best, minAt, maxAt, gapAt]) if (i >= 0) picks[count++] = i
    const sorted = picks.slice(0, count).sort((a, b) => a - b)
    for (let k = 0; k < count; k++) if (k === 0 || sorted[k] !== sorted[k - 1]) keep[kept++] = sorted[k]
    const lastFinite = Math.max(best, minAt, maxAt)
    if (lastFinite >= 0) anchor = best >= 0 ? best : lastFinite
  }
  keep[kept++] = n - 1
  return keep.slice(0, kept)
}

/** Mean of the finite points of the next bucket (the triangle's third corner); the anchor if it has none. */
function nextBucketAverage(x: ArrayLike<number>, y: ArrayLike<number>, start: number, end: number, anchor: number): [number, number] {
  let sx = 0
  let sy = 0
  let count = 0
  for (let i = start; i < end; i++) {
    if (!Number.isFinite(y[i])) continue
    sx += x[i]
    sy += y[i]
    count++
  }
  if (count > 0) return [sx / count, sy / count]
  if (anchor >= 0) return [x[anchor], y[anchor]]
  return [x[Math.min(start, x.length - 1)], 0]
}
