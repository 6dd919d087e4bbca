/**
 * A run's scalar key as growable columnar typed arrays: full resolution stays here (never in Vue's
 * reactivity), live points are appended in place, readers take `view()` slices of the filled part.
 */
import type { ScalarSeries } from '../../../src-shared/records'
import { unpackFloat64, type PackedSeries } from '../../../src-shared/compare/packed'

export interface Columns {
  step: Float64Array
  wall: Float64Array
  value: Float64Array
  /** Points filled (the arrays may hold spare capacity). */
  n: number
}

export function columnsFrom(s: ScalarSeries): Columns {
  const n = s.step.length
  const cap = Math.max(16, n)
  const c: Columns = { step: new Float64Array(cap), wall: new Float64Array(cap), value: new Float64Array(cap), n }
  c.step.set(s.step)
  c.wall.set(s.wall)
  // The store keeps non-finite values as null; NaN keeps the gap without breaking typed arrays.
  for (let i = 0; i < n; i++) c.value[i] = s.value[i] ?? NaN
  return c
}

/** Columns straight from a packed transfer: the decoded arrays are used as they are (no copy, no slack). */
export function columnsFromPacked(p: PackedSeries): Columns {
  return { step: unpackFloat64(p.step), wall: unpackFloat64(p.wall), value: unpackFloat64(p.value), n: p.n }
}

export function emptyColumns(): Columns {
  return { step: new Float64Array(16), wall: new Float64Array(16), value: new Float64Array(16), n: 0 }
}

/** Append one point (amortised O(1): capacity doubles). A point at or before the last step is a re-sent one (a live batch overlapping the fetch) and is skipped. */
export function appendPoint(c: Columns, step: number, wall: number, value: number): void {
  if (c.n > 0 && step <= c.step[c.n - 1]) return
  if (c.n === c.step.length) {
    const grow = (a: Float64Array) => {
      const b = new Float64Array(Math.max(16, a.length * 2))
      b.set(a)
      return b
    }
    c.step = grow(c.step)
    c.wall = grow(c.wall)
    c.value = grow(c.value)
  }
  c.step[c.n] = step
  c.wall[c.n] = wall
  c.value[c.n] = value ?? NaN
  c.n++
}

export function view(c: Columns): { step: Float64Array; wall: Float64Array; value: Float64Array } {
  return { step: c.step.subarray(0, c.n), wall: c.wall.subarray(0, c.n), value: c.value.subarray(0, c.n) }
}
