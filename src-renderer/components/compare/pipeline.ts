/**
 * The compare view's curve pipeline, in plain typed arrays (no Vue, no ECharts): full-resolution
 * (x, y) → smooth → downsample to the chart's pixel width. Grouping aggregates the smoothed
 * full-resolution curves before downsampling. Pure, so the DOM tests and the bench can call it directly.
 */
import { aggregateCurves, type BandKind, type GroupCurve } from '../../../src-shared/compare/aggregate'
import { configKeyWithoutSeed, flattenConfig, isSeedField, type FlatValue } from '../../../src-shared/compare/config'
import { downsampleLttb } from '../../../src-shared/compare/downsample'
import { smooth, type SmoothingSpec } from '../../../src-shared/compare/smoothing'
import type { CompareState } from '../../../src-shared/compare/state'
import { paramLabels } from '../../../src-shared/sweeps'
import { view, type Columns } from './columns'

export type XAxisMode = CompareState['xAxis']

export interface XContext {
  /** The run's `epoch` scalar (step → epoch), when it logs one. */
  epoch?: Columns | null
  /** Fallback for epoch without an `epoch` scalar: steps per epoch from the run's summary. */
  stepsPerEpoch?: number | null
  /** Wall time (ms) of the run's first point, for relative time. */
  t0: number
}

/** Linear interpolation of (xs, ys) at `at`, clamped to the ends; xs ascending. */
export function interpolateAt(xs: ArrayLike<number>, ys: ArrayLike<number>, at: number): number {
  const n = xs.length
  if (n === 0) return NaN
  if (at <= xs[0]) return ys[0]
  if (at >= xs[n - 1]) return ys[n - 1]
  const i = lowerBound(xs, at)
  if (xs[i] === at) return ys[i]
  const x0 = xs[i - 1]
  const x1 = xs[i]
  return ys[i - 1] + ((ys[i] - ys[i - 1]) * (at - x0)) / (x1 - x0)
}

/** First index whose value is ≥ `at` (xs ascending). */
export function lowerBound(xs: ArrayLike<number>, at: number): number {
  let lo = 0
  let hi = xs.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (xs[mid] < at) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** The x of every point for the chosen axis: step, epoch (interpolated from the run's epoch scalar), wall time (ms) or seconds since the run's first point. */
export function xValues(cols: Columns, mode: XAxisMode, ctx: XContext): Float64Array {
  const v = view(cols)
  const out = new Float64Array(cols.n)
  if (mode === 'step') out.set(v.step)
  else if (mode === 'wall') out.set(v.wall)
  else if (mode === 'relative') for (let i = 0; i < cols.n; i++) out[i] = (v.wall[i] - ctx.t0) / 1000
  else if (ctx.epoch && ctx.epoch.n > 0) {
    const e = view(ctx.epoch)
    for (let i = 0; i < cols.n; i++) out[i] = interpolateAt(e.step, e.value, v.step[i])
  } else {
    const per = ctx.stepsPerEpoch && ctx.stepsPerEpoch > 0 ? ctx.stepsPerEpoch : 1
    for (let i = 0; i < cols.n; i++) out[i] = v.step[i] / per
  }
  return out
}

export interface Curve {
  /** Run id, or the group label for grouped curves. */
  id: string
  name: string
  color: string
  x: Float64Array
  raw: Float64Array
  smooth: Float64Array
}

export function buildCurve(id: string, name: string, color: string, cols: Columns, mode: XAxisMode, ctx: XContext, spec: SmoothingSpec): Curve {
  return curveAt(id, name, color, xValues(cols, mode, ctx), cols, spec)
}

/** A curve from x values already mapped (see xValues) and the run's columns; a relative σ should be resolved by the caller. */
export function curveAt(id: string, name: string, color: string, x: Float64Array, cols: Columns, spec: SmoothingSpec): Curve {
  const raw = view(cols).value.slice()
  return { id, name, color, x, raw, smooth: spec.kind === 'none' ? raw : smooth(x, raw, spec) }
}

/** Index range [from, to) of the points inside `zoom`, widened by one point each side so lines reach the chart edge. */
export function indexRange(x: ArrayLike<number>, zoom: [number, number] | null): [number, number] {
  const [from, to] = exactRange(x, zoom)
  return [Math.max(0, from - 1), Math.min(x.length, Math.max(from, to) + 1)]
}

/** Strictly inside-the-range indices (for CSV export of the shown x range). */
export function exactRange(x: ArrayLike<number>, zoom: [number, number] | null): [number, number] {
  if (!zoom) return [0, x.length]
  let to = lowerBound(x, zoom[1])
  while (to < x.length && x[to] === zoom[1]) to++
  return [lowerBound(x, zoom[0]), to]
}

/** ECharts line data ([x, y] pairs) of the visible part of a curve, downsampled to about `width` points. */
export function drawnPoints(x: Float64Array, y: Float64Array, zoom: [number, number] | null, width: number, logY: boolean): [number, number | null][] {
  const [from, to] = indexRange(x, zoom)
  const d = downsampleLttb(x.subarray(from, to), y.subarray(from, to), Math.max(8, Math.round(width)))
  const out: [number, number | null][] = new Array(d.x.length)
  for (let i = 0; i < d.x.length; i++) {
    const v = d.y[i]
    out[i] = [d.x[i], Number.isFinite(v) && (!logY || v > 0) ? v : null]
  }
  return out
}

/** Index of the point nearest `at` (xs ascending), or -1 for an empty curve. */
export function nearestIndex(xs: ArrayLike<number>, at: number): number {
  const n = xs.length
  if (!n) return -1
  const i = lowerBound(xs, at)
  if (i === 0) return 0
  if (i >= n) return n - 1
  return at - xs[i - 1] <= xs[i] - at ? i - 1 : i
}

export interface TooltipRow {
  name: string
  color: string
  x: number
  value: number
}

/** Every curve's smoothed value at the point nearest `at`, highest first (NaN rows dropped). */
export function tooltipRows(curves: { name: string; color: string; x: Float64Array; smooth: Float64Array }[], at: number): TooltipRow[] {
  const rows: TooltipRow[] = []
  for (const c of curves) {
    const i = nearestIndex(c.x, at)
    if (i >= 0 && Number.isFinite(c.smooth[i])) rows.push({ name: c.name, color: c.color, x: c.x[i], value: c.smooth[i] })
  }
  return rows.sort((a, b) => b.value - a.value)
}

// ---- grouping ----

export interface RunInfo {
  id: string
  name: string
  config: unknown
}

export interface RunGroup {
  key: string
  label: string
  ids: string[]
  /** The grouping values (for the order of groups: numbers by value, so lr 0.003 < 0.03 < 0.3). */
  values?: (FlatValue | undefined)[]
}

const collate = new Intl.Collator(undefined, { numeric: true })
function compareValues(a: (FlatValue | undefined)[] = [], b: (FlatValue | undefined)[] = []): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i]
    const y = b[i]
    if (x === y) continue
    if (x === undefined || x === null) return 1
    if (y === undefined || y === null) return -1
    const d = typeof x === 'number' && typeof y === 'number' ? x - y : collate.compare(String(x), String(y))
    if (d) return d
  }
  return 0
}

function valueLabel(v: FlatValue | undefined): string {
  return v === undefined ? '(none)' : v === null ? 'null' : String(v)
}

/**
 * Runs grouped by a config field's value, or by '@sweep' (same config except the seed); null → none. Labels
 * name fields as sweeps do (`lr`, `activation`), so legends stay readable and are never cut.
 */
export function groupRuns(runs: RunInfo[], groupBy: string | null): RunGroup[] | null {
  if (!groupBy) return null
  const groups = new Map<string, RunGroup>()
  if (groupBy === '@sweep') {
    const flats = runs.map((r) => flattenConfig(r.config))
    // Name a setting by the fields that differ between the runs (seed excluded).
    const varying = [...new Set(flats.flatMap((f) => Object.keys(f)))].filter((k) => !isSeedField(k) && new Set(flats.map((f) => JSON.stringify(f[k] ?? null))).size > 1)
    const short = paramLabels(varying.map((path) => ({ path })))
    runs.forEach((r, i) => {
      const key = configKeyWithoutSeed(r.config)
      const label = varying.length ? varying.map((k, j) => `${short[j]}=${valueLabel(flats[i][k])}`).join(', ') : 'same config'
      const g = groups.get(key) ?? { key, label, ids: [], values: varying.map((k) => flats[i][k]) }
      g.ids.push(r.id)
      groups.set(key, g)
    })
  } else {
    const [short] = paramLabels([{ path: groupBy }])
    for (const r of runs) {
      const v = flattenConfig(r.config)[groupBy]
      const key = JSON.stringify(v ?? null)
      const g = groups.get(key) ?? { key, label: `${short} = ${valueLabel(v)}`, ids: [], values: [v] }
      g.ids.push(r.id)
      groups.set(key, g)
    }
  }
  // Groups in the order of their values, so legends, colours and exports read in order.
  return [...groups.values()].sort((a, b) => compareValues(a.values, b.values))
}

export interface GroupedCurve {
  key: string
  name: string
  color: string
  agg: GroupCurve
}

/** One aggregate per group from its runs' smoothed full-resolution curves (at most `maxPoints` x values each). */
export function aggregateGroups(curves: Curve[], groups: RunGroup[], band: BandKind, colors: (i: number) => string, maxPoints = 20_000): GroupedCurve[] {
  const byId = new Map(curves.map((c) => [c.id, c]))
  const out: GroupedCurve[] = []
  groups.forEach((g, i) => {
    const members = g.ids.map((id) => byId.get(id)).filter((c): c is Curve => !!c && c.x.length > 0)
    if (!members.length) return
    out.push({ key: g.key, name: `${g.label} (n=${g.ids.length})`, color: colors(i), agg: aggregateCurves(members.map((c) => ({ x: c.x, y: c.smooth })), band, maxPoints) })
  })
  return out
}

/** Mean, lower and upper of the visible part of a group, downsampled on the mean (the band takes the same x). */
export function drawnBand(g: GroupCurve, zoom: [number, number] | null, width: number, logY: boolean) {
  const mean = drawnPoints(g.x, g.mean, zoom, width, logY)
  const lower: [number, number | null][] = []
  const spread: [number, number | null][] = []
  for (const [x] of mean) {
    const i = lowerBound(g.x, x)
    const lo = g.lower[i]
    const hi = g.upper[i]
    const ok = Number.isFinite(lo) && Number.isFinite(hi) && (!logY || lo > 0)
    lower.push([x, ok ? lo : null])
    spread.push([x, ok ? hi - lo : null])
  }
  return { mean, lower, spread }
}

// ---- CSV (full resolution over the shown x range) ----

export function curvesCsv(curves: Curve[], zoom: [number, number] | null, xName: string) {
  const rows: (string | number | null)[][] = []
  for (const c of curves) {
    const [from, to] = exactRange(c.x, zoom)
    for (let i = from; i < to; i++) rows.push([c.name, c.x[i], c.raw[i], c.smooth[i]])
  }
  return { header: ['series', xName, 'raw', 'smoothed'], rows }
}

export function groupsCsv(groups: GroupedCurve[], zoom: [number, number] | null, xName: string) {
  const rows: (string | number | null)[][] = []
  for (const g of groups) {
    const a = g.agg
    const [from, to] = exactRange(a.x, zoom)
    for (let i = from; i < to; i++) rows.push([g.name, a.x[i], a.mean[i], a.lower[i], a.upper[i], a.count[i]])
  }
  return { header: ['group', xName, 'mean', 'lower', 'upper', 'count'], rows }
}

/** Full x extent over curves (for a fixed axis, so zoom percentages map to x values). */
export function xExtent(xs: ArrayLike<number>[]): [number, number] | null {
  let lo = Infinity
  let hi = -Infinity
  for (const x of xs) {
    if (!x.length) continue
    lo = Math.min(lo, x[0])
    hi = Math.max(hi, x[x.length - 1])
  }
  return lo <= hi ? [lo, hi] : null
}
