/**
 * Entropy landscape around a reference configuration σ* (effective-model study): tilt h → h + x σ*, run BP
 * warm-started from the previous x, and read overlap q, distance d = (1 − q)/2 and Bethe entropy s per spin.
 * Sweeping x down then up with one carried message matrix exposes hysteresis (a first-order transition).
 */
import type { Rng } from '../rng'
import { betheFreeEnergy, couplingCache, initMessages, runBp, type IsingModel } from './bp'

/** s_ub(d) = −d ln d − (1−d) ln(1−d), the entropy of independent flips at distance d. */
export function entropyUpperBound(d: number): number {
  if (d <= 0 || d >= 1) return 0
  return -d * Math.log(d) - (1 - d) * Math.log(1 - d)
}

export interface GridPoint {
  x: number
  direction: 'down' | 'up'
}

/** x from +xMax down to −xMax, then back up to +xMax (the turning point once, in 'down'). */
export function landscapeGrid(xMax = 3, step = 0.05): GridPoint[] {
  const k = Math.round(xMax / step)
  // Integer steps, rounded to 1e-9, so x never drifts (0.05·60 is 3, not 2.9999999999999996).
  const at = (i: number) => Math.round(i * step * 1e9) / 1e9
  const out: GridPoint[] = []
  for (let i = k; i >= -k; i--) out.push({ x: at(i), direction: 'down' })
  for (let i = -k + 1; i <= k; i++) out.push({ x: at(i), direction: 'up' })
  return out
}

export interface LandscapePoint {
  x: number
  direction: 'down' | 'up'
  q: number
  d: number
  /** Entropy per spin −f + e_t. */
  s: number
  /** True energy density ε = e_t + x q. */
  energy: number
  /** Tilted energy per spin. */
  et: number
  converged: boolean
  sweeps: number
}

export interface Hysteresis {
  detected: boolean
  jumpDown: number | null
  jumpUp: number | null
  maxGap: number
}

export interface LandscapeOptions {
  xMax?: number
  step?: number
  /** BP tolerance (max |Δ message|). */
  tol?: number
  maxSweeps?: number
  rng: Rng
  onPoint?: (p: LandscapePoint, index: number, total: number) => void
  shouldStop?: () => boolean
}

export function entropyLandscape(model: IsingModel, reference: ArrayLike<number>, opts: LandscapeOptions): { points: LandscapePoint[]; hysteresis: Hysteresis } {
  const { n } = model
  const grid = landscapeGrid(opts.xMax ?? 3, opts.step ?? 0.05)
  const msgs = initMessages(n, opts.rng)
  const extra = new Float64Array(n)
  const points: LandscapePoint[] = []
  let damping = 0
  // J is fixed along the sweep: tanh J and Σ ln cosh J once, not per x.
  const cache = couplingCache(model)
  for (let g = 0; g < grid.length; g++) {
    if (opts.shouldStop?.()) break
    const { x, direction } = grid[g]
    for (let i = 0; i < n; i++) extra[i] = x * reference[i]
    const r = runBp(model, msgs, { tol: opts.tol ?? 1e-6, tolKind: 'max', maxSweeps: opts.maxSweeps ?? 2000, extraField: extra, damping, cache })
    // Keep damping a tenth lower than where the last point ended: oscillating regions stay damped, others relax.
    damping = Math.max(0, r.damping - 0.1)
    let q = 0
    for (let i = 0; i < n; i++) q += r.m[i] * reference[i]
    q /= n
    const { F, E } = betheFreeEnergy(model, msgs, extra, cache)
    const et = E / n
    const p: LandscapePoint = { x, direction, q, d: (1 - q) / 2, s: -F / n + et, energy: et + x * q, et, converged: r.converged, sweeps: r.sweeps }
    points.push(p)
    opts.onPoint?.(p, g, grid.length)
  }
  return { points, hysteresis: detectHysteresis(points) }
}

/**
 * Hysteresis: the largest |d_down(x) − d_up(x)| over x visited in both directions exceeds `gap`; jump positions
 * are where |Δd| between consecutive points of each direction is largest (x of the later point).
 */
export function detectHysteresis(points: LandscapePoint[], opts: { gap?: number } = {}): Hysteresis {
  const gap = opts.gap ?? 0.1
  const key = (x: number) => Math.round(x * 1e6)
  const down = new Map<number, number>()
  const up = new Map<number, number>()
  for (const p of points) (p.direction === 'down' ? down : up).set(key(p.x), p.d)
  // The turning point is stored as 'down' only; it counts for both directions.
  let maxGap = 0
  for (const [k, du] of up) {
    const dd = down.get(k)
    if (dd !== undefined) maxGap = Math.max(maxGap, Math.abs(dd - du))
  }
  const jump = (dir: 'down' | 'up'): number | null => {
    const seq = points.filter((p) => p.direction === dir)
    // The up branch starts from the turning point (last 'down' point).
    if (dir === 'up') {
      const turn = points.filter((p) => p.direction === 'down').at(-1)
      if (turn) seq.unshift(turn)
    }
    let best = -1
    let at: number | null = null
    for (let i = 1; i < seq.length; i++) {
      const dlt = Math.abs(seq[i].d - seq[i - 1].d)
      if (dlt > best) {
        best = dlt
        at = seq[i].x
      }
    }
    return at
  }
  return { detected: maxGap > gap, jumpDown: jump('down'), jumpUp: jump('up'), maxGap }
}
