/**
 * The axes, grid and legend every ECharts chart of the lab is built from, so ticks, names and number formats
 * read the same everywhere: tick labels never overlap (ECharts hides colliding ones), one tick format per axis
 * chosen from its range (src-shared/format.ts), the y name beside its axis rather than over the legend, a log
 * axis only for positive values, and the plot area kept clear of labels (ECharts 6 outer bounds).
 */
import { percentTick, tickFormatter } from '../../src-shared/format'
import type { chartColors } from './theme'

export type ChartColors = ReturnType<typeof chartColors>

/** Smallest and largest finite value (positive ones only when `positive`), or null when there is none. */
export function valueRange(values: Iterable<number | null | undefined>, positive = false): [number, number] | null {
  let lo = Infinity
  let hi = -Infinity
  for (const v of values) {
    if (typeof v !== 'number' || !Number.isFinite(v) || (positive && v <= 0)) continue
    if (v < lo) lo = v
    if (v > hi) hi = v
  }
  return lo <= hi ? [lo, hi] : null
}

/** Whether values can go on a log axis: there are some, and every finite one is > 0. */
export function allPositive(values: Iterable<number | null | undefined>): boolean {
  let any = false
  for (const v of values) {
    if (typeof v !== 'number' || !Number.isFinite(v)) continue
    if (v <= 0) return false
    any = true
  }
  return any
}

export interface ValueAxisSpec {
  name?: string
  /** Logarithmic (the caller checked the values are positive). */
  log?: boolean
  /** Values are fractions shown as percentages (accuracy). */
  percent?: boolean
  /** The data range, to choose one tick format for the whole axis. */
  range?: [number, number] | null
  /** Fit the axis to the data instead of starting at zero. */
  scale?: boolean
  min?: number | string | ((v: { min: number; max: number }) => number)
  max?: number | string | ((v: { min: number; max: number }) => number)
  interval?: number
}

const axisLine = (c: ChartColors) => ({ axisLine: { onZero: false, lineStyle: { color: c.axis } }, splitLine: { lineStyle: { color: c.split } }, nameTextStyle: { color: c.text } })

function labels(c: ChartColors, spec: ValueAxisSpec) {
  return { hideOverlap: true, color: c.text, formatter: spec.percent ? percentTick : tickFormatter(spec.range ?? null, !!spec.log) }
}

function bounds(spec: ValueAxisSpec) {
  return {
    ...(spec.min !== undefined ? { min: spec.min } : {}),
    ...(spec.max !== undefined ? { max: spec.max } : {}),
    ...(spec.interval !== undefined ? { interval: spec.interval } : {})
  }
}

/** A horizontal value (or log) axis with its name centred below the ticks. */
export function xValueAxis(c: ChartColors, spec: ValueAxisSpec = {}): Record<string, unknown> {
  return {
    type: spec.log ? 'log' : 'value',
    name: spec.name,
    nameLocation: 'middle',
    nameGap: 26,
    scale: spec.scale ?? true,
    ...axisLine(c),
    axisLabel: labels(c, spec),
    ...bounds(spec)
  }
}

/** A vertical value (or log) axis with its name written along it, left of the tick labels. */
export function yValueAxis(c: ChartColors, spec: ValueAxisSpec = {}): Record<string, unknown> {
  return {
    type: spec.log ? 'log' : 'value',
    name: spec.name,
    nameLocation: 'middle',
    nameRotate: 90,
    nameGap: 14,
    nameMoveOverlap: true,
    scale: spec.scale ?? true,
    ...axisLine(c),
    axisLabel: labels(c, spec),
    ...bounds(spec)
  }
}

/** A category axis (classes, sample types, enum values): every label shown unless they would overlap. */
export function categoryAxis(c: ChartColors, categories: string[], name?: string, vertical = false): Record<string, unknown> {
  return {
    type: 'category',
    data: categories,
    name,
    nameLocation: 'middle',
    nameGap: vertical ? 14 : 26,
    ...(vertical ? { nameRotate: 90, nameMoveOverlap: true } : {}),
    ...axisLine(c),
    axisLabel: { hideOverlap: true, color: c.text, ...(vertical ? {} : { interval: 'auto' }) }
  }
}

/**
 * The plot rectangle: `top` leaves room for the legend; tick labels and axis names are kept inside the chart
 * (the grid shrinks for them) instead of being clipped or drawn over the legend.
 */
export function plotGrid(top: number, extra: { left?: number; right?: number; bottom?: number } = {}): Record<string, unknown> {
  return { left: extra.left ?? 10, right: extra.right ?? 18, top, bottom: extra.bottom ?? 8, outerBoundsMode: 'same', outerBoundsContain: 'all' }
}

/** The on-screen legend: one row, scrolling when it holds many entries (exports show all of it, see figure.ts). */
export function screenLegend(c: ChartColors, count: number): Record<string, unknown> {
  return { top: 0, type: count > 6 ? 'scroll' : 'plain', textStyle: { color: c.text }, pageTextStyle: { color: c.text }, pageIconColor: c.text }
}

/** A nice step (1, 2 or 5 × 10ⁿ) near `raw`. */
export function niceStep(raw: number): number {
  if (!(raw > 0) || !Number.isFinite(raw)) return 1
  const p = 10 ** Math.floor(Math.log10(raw))
  const f = raw / p
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p
}

export interface EqualAxes {
  x: { min: number; max: number; interval: number }
  y: { min: number; max: number; interval: number }
}

/**
 * Axis limits for a square plot in which one unit is as long on x as on y: both axes get the same tick step
 * and the same number of steps, each centred on its data.
 */
export function equalAspectAxes(x: [number, number], y: [number, number], ticks = 6): EqualAxes {
  const span = Math.max(x[1] - x[0], y[1] - y[0]) || 1
  const interval = niceStep(span / ticks)
  const steps = (r: [number, number]) => ({ lo: Math.floor(r[0] / interval), hi: Math.ceil(r[1] / interval) })
  const sx = steps(x)
  const sy = steps(y)
  const n = Math.max(sx.hi - sx.lo, sy.hi - sy.lo, 1)
  const place = (s: { lo: number; hi: number }) => {
    const lo = s.lo - Math.floor((n - (s.hi - s.lo)) / 2)
    // Rounded to the step's precision so the limits print as clean ticks.
    const r = (v: number) => Number((v * interval).toPrecision(12))
    return { min: r(lo), max: r(lo + n), interval }
  }
  return { x: place(sx), y: place(sy) }
}
