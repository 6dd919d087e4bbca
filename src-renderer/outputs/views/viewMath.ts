/**
 * The pure maths of the generic series views (./*.vue): payload checks that say what is wrong, the re-binning of
 * histograms onto one grid, matrices over steps, row normalisation, table sorting, number formats and colour
 * scales. No DOM here, so the DOM tests check the numbers directly.
 */
import type { CurvesPayload, HeatmapPayload, HistogramPayload, ImageGridPayload, ScatterPayload, TableColumn, VectorPayload } from '../../../src-shared/outputs/payloads'
import { decodeBase64 } from '../../lib/boundary'
import type { DecodedImages } from '../../lib/images'

// ---------------------------------------------------------------- checks

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v)
const isCell = (v: unknown) => v === null || isFiniteNumber(v)

/** The first index where `ok` fails, or -1. */
function firstBad<T>(list: readonly T[], ok: (v: T) => boolean): number {
  for (let i = 0; i < list.length; i++) if (!ok(list[i])) return i
  return -1
}

function show(v: unknown): string {
  const s = JSON.stringify(v)
  return s === undefined ? String(v) : s.length > 24 ? `${s.slice(0, 24)}…` : s
}

/** What is wrong with a histogram payload, or null when it can be drawn. */
export function histogramProblem(p: unknown): string | null {
  if (!isObject(p)) return 'the payload is not an object with edges and counts'
  const { edges, counts } = p
  if (!Array.isArray(edges)) return 'edges is missing (expected bins + 1 numbers)'
  if (!Array.isArray(counts)) return 'counts is missing (expected one number per bin)'
  if (counts.length === 0) return 'counts is empty'
  if (edges.length !== counts.length + 1) return `${edges.length} edges for ${counts.length} bins (expected ${counts.length + 1})`
  let i = firstBad(edges, isFiniteNumber)
  if (i >= 0) return `edge ${i} is ${show(edges[i])}, not a number`
  i = firstBad(counts, (c) => isFiniteNumber(c) && c >= 0)
  if (i >= 0) return `count ${i} is ${show(counts[i])}, not a non-negative number`
  for (let k = 1; k < edges.length; k++) if (edges[k] < edges[k - 1]) return `the edges are not ascending (edge ${k} = ${edges[k]} < ${edges[k - 1]})`
  const { lines, note } = p
  if (lines !== undefined) {
    if (!Array.isArray(lines)) return 'lines is not a list'
    const j = firstBad(lines, (l) => isObject(l) && typeof l.label === 'string' && isFiniteNumber(l.value))
    if (j >= 0) return `line ${j} is ${show(lines[j])} (expected { label, value })`
  }
  if (note !== undefined && typeof note !== 'string') return `note is ${show(note)}, not text`
  return null
}

/** The bar (bin index) a reference value falls in, clamped to the histogram; the category axis has no positions between bars. */
export function binOf(edges: number[], value: number): number {
  const bins = edges.length - 1
  for (let k = 0; k < bins; k++) if (value < edges[k + 1]) return Math.max(0, k)
  return bins - 1
}

/** What is wrong with a heatmap payload, or null. */
export function heatmapProblem(p: unknown): string | null {
  if (!isObject(p)) return 'the payload is not an object with rows, cols and values'
  const { rows, cols, values, rowLabels, colLabels, format } = p
  if (!Number.isInteger(rows) || (rows as number) < 1) return `rows is ${show(rows)}, not a positive whole number`
  if (!Number.isInteger(cols) || (cols as number) < 1) return `cols is ${show(cols)}, not a positive whole number`
  if (!Array.isArray(values)) return 'values is missing (expected rows × cols numbers, row-major)'
  const n = (rows as number) * (cols as number)
  if (values.length !== n) return `${values.length} values for ${rows} × ${cols} cells (expected ${n})`
  const i = firstBad(values, isCell)
  if (i >= 0) return `value ${i} is ${show(values[i])}, not a number or null`
  if (rowLabels !== undefined && (!Array.isArray(rowLabels) || rowLabels.length !== rows)) return `rowLabels has ${Array.isArray(rowLabels) ? rowLabels.length : 'no'} entries for ${rows} rows`
  if (colLabels !== undefined && (!Array.isArray(colLabels) || colLabels.length !== cols)) return `colLabels has ${Array.isArray(colLabels) ? colLabels.length : 'no'} entries for ${cols} columns`
  if (format !== undefined && format !== 'count' && format !== 'fraction' && format !== 'value') return `format is ${show(format)} (expected count, fraction or value)`
  return null
}

/** What is wrong with a table payload, or null. Missing cells are allowed (drawn empty). */
export function tableProblem(p: unknown): string | null {
  if (!isObject(p)) return 'the payload is not an object with columns and rows'
  const { columns, rows } = p
  if (!Array.isArray(columns) || columns.length === 0) return 'columns is missing or empty'
  let i = firstBad(columns, (c) => isObject(c) && typeof c.key === 'string' && typeof c.label === 'string')
  if (i >= 0) return `column ${i} is ${show(columns[i])} (expected { key, label })`
  const keys = new Set(columns.map((c) => (c as TableColumn).key))
  if (keys.size !== columns.length) return 'two columns have the same key'
  if (!Array.isArray(rows)) return 'rows is missing (expected a list of objects)'
  i = firstBad(rows, isObject)
  if (i >= 0) return `row ${i} is ${show(rows[i])}, not an object`
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r] as Record<string, unknown>
    for (const k of keys) {
      const v = row[k]
      if (v !== undefined && v !== null && typeof v !== 'string' && !isFiniteNumber(v)) return `row ${r}, column ${k} is ${show(v)} (expected a number, text or null)`
    }
  }
  return null
}

/** What is wrong with a vector payload, or null. */
export function vectorProblem(p: unknown): string | null {
  if (!isObject(p)) return 'the payload is not an object with values'
  const { values, labels } = p
  if (!Array.isArray(values)) return 'values is missing (expected a list of numbers)'
  if (values.length === 0) return 'values is empty'
  const i = firstBad(values, isCell)
  if (i >= 0) return `value ${i} is ${show(values[i])}, not a number or null`
  if (labels !== undefined && (!Array.isArray(labels) || labels.length !== values.length)) return `labels has ${Array.isArray(labels) ? labels.length : 'no'} entries for ${values.length} values`
  return null
}

export interface DecodedGrid extends DecodedImages {
  captions: string[]
}

/** The images of a grid payload as bytes, checked against its shape and captions; throws a readable message. */
export function decodeImageGrid(p: unknown): DecodedGrid {
  if (!isObject(p)) throw new Error('the payload is not an object with shape, images and captions')
  const { shape, images, captions } = p as Partial<ImageGridPayload>
  if (!Array.isArray(shape) || shape.length !== 3 || !shape.every((d) => Number.isInteger(d) && d > 0)) throw new Error(`shape is ${show(shape)} (expected [height, width, channels])`)
  const [height, width, channels] = shape
  if (channels !== 1 && channels !== 3) throw new Error(`images have ${channels} channels (expected 1 for grey or 3 for RGB)`)
  if (typeof images !== 'string') throw new Error('images is missing (expected base64 bytes)')
  if (!Array.isArray(captions)) throw new Error('captions is missing (expected one per image)')
  let bytes: Uint8Array
  try {
    bytes = decodeBase64(images)
  } catch {
    throw new Error('images is not valid base64')
  }
  const per = height * width * channels
  if (bytes.length % per !== 0) throw new Error(`images hold ${bytes.length} bytes, not a whole number of ${height} × ${width} × ${channels} images (${per} bytes each)`)
  const count = bytes.length / per
  if (captions.length !== count) throw new Error(`${captions.length} captions for ${count} images`)
  return { count, height, width, channels, bytes, captions: captions.map((c) => String(c ?? '')) }
}

// ---------------------------------------------------------------- histograms

export function binCentres(edges: readonly number[]): number[] {
  const out: number[] = []
  for (let i = 0; i + 1 < edges.length; i++) out.push((edges[i] + edges[i + 1]) / 2)
  return out
}

export interface HistogramStats {
  total: number
  mean: number
  std: number
  min: number
  max: number
  /** Mean and std estimated from the bins (the payload did not carry them). */
  approx: boolean
}

export function histogramStats(p: HistogramPayload): HistogramStats {
  const total = p.counts.reduce((a, b) => a + b, 0)
  const min = isFiniteNumber(p.min) ? p.min : p.edges[0]
  const max = isFiniteNumber(p.max) ? p.max : p.edges[p.edges.length - 1]
  if (isFiniteNumber(p.mean) && isFiniteNumber(p.std)) return { total, mean: p.mean, std: p.std, min, max, approx: false }
  const centres = binCentres(p.edges)
  let m = 0
  p.counts.forEach((c, i) => (m += c * centres[i]))
  m = total ? m / total : NaN
  let v = 0
  p.counts.forEach((c, i) => (v += c * (centres[i] - m) ** 2))
  return { total, mean: m, std: total ? Math.sqrt(v / total) : NaN, min, max, approx: true }
}

/** Counts of one histogram spread over `target` edges, each source bin in proportion to its overlap (a zero-width bin goes whole to the bin holding it). The total is conserved for sources inside the target range. */
export function rebin(edges: readonly number[], counts: readonly number[], target: readonly number[]): Float64Array {
  const n = target.length - 1
  const out = new Float64Array(n)
  const lo = target[0]
  const width = (target[n] - lo) / n
  const at = (x: number) => Math.min(n - 1, Math.max(0, Math.floor((x - lo) / width)))
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i]
    if (!c) continue
    const a = edges[i]
    const b = edges[i + 1]
    if (!(b > a)) {
      out[at(a)] += c
      continue
    }
    const j1 = at(b)
    for (let j = at(a); j <= j1; j++) {
      const overlap = Math.min(b, target[j + 1]) - Math.max(a, target[j])
      if (overlap > 0) out[j] += (c * overlap) / (b - a)
    }
  }
  return out
}

export interface StepMatrix {
  steps: number[]
  /** values[s][k]: entry k at steps[s] (null: not logged). */
  values: (ArrayLike<number | null>)[]
  /** Largest finite value (colour scale). */
  min: number
  max: number
  /** History entries left out because their payload could not be drawn. */
  skipped: number
}

export interface HistogramMatrix extends StepMatrix {
  /** The common value grid every step was re-binned onto. */
  edges: number[]
}

/** Most rows the matrix over steps draws (enough to resolve a layer whose range changes tenfold). */
export const MAX_MATRIX_BINS = 100

/**
 * Every step's histogram re-binned onto one uniform grid from the smallest to the largest edge of all steps, so
 * that rows line up (each step's histogram has its own edges). The grid is as fine as a typical step's bins,
 * between the most bins any step has and MAX_MATRIX_BINS.
 */
export function histogramMatrix(history: readonly { step: number; payload: unknown }[]): HistogramMatrix {
  const good = history.filter((h) => histogramProblem(h.payload) === null) as { step: number; payload: HistogramPayload }[]
  let lo = Infinity
  let hi = -Infinity
  let most = 1
  const widths: number[] = []
  for (const { payload: p } of good) {
    const first = p.edges[0]
    const last = p.edges[p.edges.length - 1]
    lo = Math.min(lo, first)
    hi = Math.max(hi, last)
    most = Math.max(most, p.counts.length)
    if (last > first) widths.push((last - first) / p.counts.length)
  }
  if (!good.length) return { steps: [], values: [], edges: [], min: 0, max: 0, skipped: history.length }
  if (!(hi > lo)) {
    // Every step holds one value (biases at initialisation): a small grid around it.
    const pad = Math.abs(lo) * 0.01 || 0.5
    lo -= pad
    hi += pad
  }
  widths.sort((a, b) => a - b)
  const typical = widths.length ? widths[Math.floor(widths.length / 2)] : (hi - lo) / most
  const bins = Math.max(most, Math.min(MAX_MATRIX_BINS, Math.round((hi - lo) / typical)))
  const edges = Array.from({ length: bins + 1 }, (_, j) => (j === bins ? hi : lo + ((hi - lo) * j) / bins))
  let max = 0
  const values = good.map(({ payload: p }) => {
    const row = rebin(p.edges, p.counts, edges)
    for (const v of row) if (v > max) max = v
    return row
  })
  return { steps: good.map((h) => h.step), values, edges, min: 0, max, skipped: history.length - good.length }
}

/** Every step's vector as one matrix (entries the longest vector has; shorter ones padded with null). */
export function vectorMatrix(history: readonly { step: number; payload: unknown }[]): StepMatrix & { labels: string[] } {
  const good = history.filter((h) => vectorProblem(h.payload) === null) as { step: number; payload: VectorPayload }[]
  const entries = good.reduce((n, h) => Math.max(n, h.payload.values.length), 0)
  let min = Infinity
  let max = -Infinity
  const values = good.map(({ payload: p }) => {
    const row: (number | null)[] = new Array(entries).fill(null)
    p.values.forEach((v, k) => {
      row[k] = v
      if (v !== null) {
        if (v < min) min = v
        if (v > max) max = v
      }
    })
    return row
  })
  const labelled = [...good].reverse().find((h) => h.payload.labels && h.payload.labels.length === entries)
  const labels = labelled?.payload.labels ?? Array.from({ length: entries }, (_, k) => String(k))
  if (min > max) min = max = 0
  return { steps: good.map((h) => h.step), values, labels, min, max, skipped: history.length - good.length }
}

// ---------------------------------------------------------------- heatmaps

export type CellFormat = NonNullable<HeatmapPayload['format']>

/** The payload's format, else counts when every cell is a non-negative whole number. */
export function heatmapFormat(p: HeatmapPayload): CellFormat {
  if (p.format) return p.format
  return p.values.every((v) => v === null || (Number.isInteger(v) && v >= 0)) ? 'count' : 'value'
}

/** Each row divided by its sum (a confusion matrix read per true class); a row with nothing in it is null. */
export function rowNormalise(values: readonly (number | null)[], rows: number, cols: number): (number | null)[] {
  const out: (number | null)[] = new Array(rows * cols).fill(null)
  for (let r = 0; r < rows; r++) {
    let sum = 0
    for (let c = 0; c < cols; c++) sum += values[r * cols + c] ?? 0
    if (sum > 0) for (let c = 0; c < cols; c++) {
      const v = values[r * cols + c]
      out[r * cols + c] = v === null ? null : v / sum
    }
  }
  return out
}

/**
 * The text inside a heatmap cell: counts whole, fractions as percentages, values to three significant digits.
 * `compact` (small cells): percentages as whole numbers without the sign, "<1" for a non-zero one below 0.5.
 */
export function cellText(v: number | null, format: CellFormat, compact = false): string {
  if (v === null) return ''
  if (format === 'count') return String(Math.round(v))
  if (format === 'fraction' && compact) return v > 0 && v < 0.005 ? '<1' : String(Math.round(v * 100))
  if (format === 'fraction') return percentText(v)
  return trimNumber(v.toPrecision(3))
}

/** A fraction as a short percentage: 97%, 4.2%, 0%. */
export function percentText(v: number): string {
  const pct = v * 100
  if (pct === 0) return '0%'
  return `${Math.abs(pct) >= 9.95 ? pct.toFixed(0) : pct.toFixed(1)}%`
}

// ---------------------------------------------------------------- tables

export type SortDir = 'asc' | 'desc'
type Cell = number | string | null | undefined

function compareCells(a: Cell, b: Cell): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b
  if (typeof a === 'number') return -1
  if (typeof b === 'number') return 1
  return String(a).localeCompare(String(b), undefined, { numeric: true })
}

/** Rows sorted by one column (stable; empty cells last either way). */
export function sortRows<R extends Record<string, Cell>>(rows: readonly R[], key: string, dir: SortDir): R[] {
  const empty = (v: Cell) => v === null || v === undefined || v === ''
  const sign = dir === 'asc' ? 1 : -1
  return [...rows].sort((x, y) => {
    const a = x[key]
    const b = y[key]
    if (empty(a) || empty(b)) return empty(a) === empty(b) ? 0 : empty(a) ? 1 : -1
    return sign * compareCells(a, b)
  })
}

/** One formatter for a table column, so its numbers line up: whole numbers stay whole, others get 4 significant digits of the largest; percent columns ×100 with '%'. */
export function columnFormatter(values: readonly Cell[], percent = false): (v: Cell) => string {
  const nums = values.filter(isFiniteNumber).map((v) => (percent ? v * 100 : v))
  const suffix = percent ? '%' : ''
  const maxAbs = nums.reduce((m, v) => Math.max(m, Math.abs(v)), 0)
  let num: (v: number) => string
  // Whole numbers: thousands grouped once a column reaches 10 000 (50,240 reads at a glance; 2024 stays a year).
  if (nums.every(Number.isInteger)) num = maxAbs >= 10_000 ? (v) => v.toLocaleString('en-US') : (v) => String(v)
  else if (maxAbs >= 1e6 || maxAbs < 1e-4) num = (v) => (v === 0 ? '0' : v.toExponential(2))
  else {
    const decimals = Math.min(percent ? 2 : 6, Math.max(0, 3 - Math.floor(Math.log10(maxAbs))))
    num = (v) => v.toFixed(decimals)
  }
  return (v) => (isFiniteNumber(v) ? num(percent ? v * 100 : v) + suffix : v === null || v === undefined ? '' : String(v))
}

// ---------------------------------------------------------------- formats

function trimNumber(s: string): string {
  if (s.includes('e')) return s
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s
}

/**
 * One compact number format for a set of axis values (bin centres, steps): as few decimals as keep neighbouring
 * values apart, the same for every label; exponent notation for very large or very small magnitudes.
 */
export function sharedFormatter(values: readonly number[]): (v: number) => string {
  const finite = [...new Set(values.filter(Number.isFinite))].sort((a, b) => a - b)
  if (!finite.length) return (v) => String(v)
  const maxAbs = Math.max(Math.abs(finite[0]), Math.abs(finite[finite.length - 1]))
  let gap = Infinity
  for (let i = 1; i < finite.length; i++) gap = Math.min(gap, finite[i] - finite[i - 1])
  if (!Number.isFinite(gap)) gap = maxAbs || 1
  const clean = (s: string) => (/^-0(\.0*)?(e|$)/.test(s) ? s.slice(1) : s)
  if (maxAbs >= 1e5 || (maxAbs > 0 && maxAbs < 1e-3)) {
    // Mantissa decimals that resolve the gap at the largest value's exponent.
    const digits = Math.min(4, Math.max(0, Math.ceil(Math.floor(Math.log10(maxAbs)) - Math.log10(gap) - 1e-9)))
    return (v) => (v === 0 ? '0' : clean(v.toExponential(digits)))
  }
  const decimals = Math.min(6, Math.max(0, Math.ceil(-Math.log10(gap) - 1e-9)))
  return (v) => clean(v.toFixed(decimals))
}

/**
 * ECharts' `interval` for a category axis of `count` labels over `lengthPx`: every k-th label (k = 1, 2, 5, 10, 20,
 * 25, 50, …) so that shown labels are at least `spacingPx` apart.
 */
export function labelInterval(count: number, lengthPx: number, spacingPx: number): number {
  const per = lengthPx / Math.max(1, count)
  for (let mag = 1; ; mag *= 10) {
    for (const k of [1, 2, 2.5, 5]) {
      const step = k * mag
      if (Number.isInteger(step) && step * per >= spacingPx) return step - 1
    }
    if (mag > count) return count
  }
}

/** A colour bar's end: as shortNumber, but 0 for what is zero at the scale's resolution (not "2.5e-86"). */
export function scaleText(v: number, scale: { min: number; max: number }): string {
  return Math.abs(v) < (Math.abs(scale.max - scale.min) || 1) * 1e-6 ? '0' : shortNumber(v)
}

/** A number for a subtitle or tooltip: 4 significant digits, no trailing zeros. */
export function shortNumber(v: number): string {
  if (!Number.isFinite(v)) return '—'
  if (v === 0) return '0'
  const a = Math.abs(v)
  return a >= 1e5 || a < 1e-3 ? v.toExponential(3).replace(/\.?0+e/, 'e') : trimNumber(v.toPrecision(4))
}

/** Subtitle parts joined with ' · ', broken into lines of at most `maxChars` characters (between parts only). */
export function wrapParts(parts: readonly (string | null | undefined)[], maxChars: number): string[] {
  const lines: string[] = []
  for (const part of parts) {
    if (!part) continue
    const last = lines.length ? lines[lines.length - 1] : null
    if (last !== null && last.length + 5 + part.length <= maxChars) lines[lines.length - 1] = `${last}  ·  ${part}`
    else lines.push(part)
  }
  return lines
}

// ---------------------------------------------------------------- colours

/** Viridis (perceptually uniform, readable on dark and light panels, and in greyscale print). */
export const VIRIDIS = ['#440154', '#482878', '#3e4989', '#31688e', '#26828e', '#1f9e89', '#35b779', '#6ece58', '#b5de2b', '#fde725']

/** Blue–red around zero, with a centre that sits on the theme's panel. */
export function divergingStops(dark: boolean): string[] {
  return dark
    ? ['#2f7fc1', '#3a6891', '#334d65', '#2a3440', '#5e3a34', '#9c4a3b', '#d9604a']
    : ['#2166ac', '#4393c3', '#92c5de', '#f7f7f7', '#f4a582', '#d6604d', '#b2182b']
}

function hexRgb(hex: string): [number, number, number] {
  const n = parseInt(hex.slice(1), 16)
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255]
}

/** The colour at t ∈ [0, 1] of a piecewise-linear scale (as ECharts' visualMap interpolates it). */
export function colourAt(stops: readonly string[], t: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (stops.length - 1)
  const i = Math.min(stops.length - 2, Math.floor(x))
  const a = hexRgb(stops[i])
  const b = hexRgb(stops[i + 1])
  const f = x - i
  return [0, 1, 2].map((k) => Math.round(a[k] + (b[k] - a[k]) * f)) as [number, number, number]
}

/** Black or white, whichever reads better on the colour at t. */
export function textOn(stops: readonly string[], t: number): string {
  const [r, g, b] = colourAt(stops, t).map((c) => {
    const s = c / 255
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4
  })
  return 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.22 ? '#111111' : '#ffffff'
}

export interface ColourScale {
  min: number
  max: number
  stops: string[]
}

/**
 * RGBA pixels of a rows × cols matrix, row 0 at the top, each cell coloured on `scale` (as the visualMap beside
 * it); null cells, and those `blank` says to leave out, stay transparent.
 */
export function matrixPixels(cell: (r: number, c: number) => number | null, rows: number, cols: number, scale: ColourScale, blank?: (v: number) => boolean): Uint8ClampedArray {
  const lut = new Uint8ClampedArray(256 * 3)
  for (let i = 0; i < 256; i++) lut.set(colourAt(scale.stops, i / 255), i * 3)
  const span = scale.max - scale.min || 1
  const out = new Uint8ClampedArray(rows * cols * 4)
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const v = cell(r, c)
      if (v === null || !Number.isFinite(v) || blank?.(v)) continue
      const k = Math.round(Math.min(1, Math.max(0, (v - scale.min) / span)) * 255) * 3
      const o = (r * cols + c) * 4
      out[o] = lut[k]
      out[o + 1] = lut[k + 1]
      out[o + 2] = lut[k + 2]
      out[o + 3] = 255
    }
  }
  return out
}

/** A colour scale for values in [min, max]: viridis, or the diverging map symmetric about 0 when they span it. */
export function valueScale(min: number, max: number, dark: boolean): ColourScale {
  if (min < 0 && max > 0) {
    const m = Math.max(-min, max)
    return { min: -m, max: m, stops: divergingStops(dark) }
  }
  return { min, max: max > min ? max : min + 1, stops: VIRIDIS }
}

// ---------------------------------------------------------------- box plots and curves

/** What is wrong with a box-plot payload, or null when it can be drawn (a group with no values is a gap, not a problem). */
export function boxPlotProblem(p: unknown): string | null {
  if (!isObject(p)) return 'the payload is not an object with groups'
  const { groups, lines } = p
  if (!Array.isArray(groups) || groups.length === 0) return 'groups is missing or empty (expected { label, values } per box)'
  for (let g = 0; g < groups.length; g++) {
    const grp = groups[g]
    if (!isObject(grp) || typeof grp.label !== 'string') return `group ${g} has no label`
    if (!Array.isArray(grp.values)) return `group ${g} (${grp.label}) has no values list`
    const i = firstBad(grp.values, isFiniteNumber)
    if (i >= 0) return `value ${i} of group ${grp.label} is ${show(grp.values[i])}, not a number`
  }
  if (lines !== undefined) {
    if (!Array.isArray(lines)) return 'lines is not a list'
    const i = firstBad(lines, (l) => isObject(l) && typeof l.label === 'string' && isFiniteNumber(l.value))
    if (i >= 0) return `line ${i} is not { label, value }`
  }
  return null
}

/** Quantile q ∈ [0, 1] of ascending values, linear between order statistics (numpy's default); NaN when empty. */
export function quantile(sorted: readonly number[], q: number): number {
  if (!sorted.length) return NaN
  const at = (sorted.length - 1) * Math.min(1, Math.max(0, q))
  const lo = Math.floor(at)
  const hi = Math.ceil(at)
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo)
}

/** min, Q1, median, Q3, max of a group's values (null for an empty group). */
export function fiveNumbers(values: readonly number[]): [number, number, number, number, number] | null {
  if (!values.length) return null
  const s = values.slice().sort((a, b) => a - b)
  return [s[0], quantile(s, 0.25), quantile(s, 0.5), quantile(s, 0.75), s[s.length - 1]]
}

/** What is wrong with a curves payload, or null. */
export function curvesProblem(p: unknown): string | null {
  if (!isObject(p)) return 'the payload is not an object with x and series'
  const { x, series } = p
  if (!Array.isArray(x) || x.length === 0) return 'x is missing or empty'
  let i = firstBad(x, isFiniteNumber)
  if (i >= 0) return `x ${i} is ${show(x[i])}, not a number`
  if (!Array.isArray(series) || series.length === 0) return 'series is missing or empty (expected { name, y } per curve)'
  for (let k = 0; k < series.length; k++) {
    const s = series[k]
    if (!isObject(s) || typeof s.name !== 'string') return `series ${k} has no name`
    if (!Array.isArray(s.y) || s.y.length !== x.length) return `series ${s.name} has ${Array.isArray(s.y) ? s.y.length : 'no'} values for ${x.length} x values`
    i = firstBad(s.y, isCell)
    if (i >= 0) return `value ${i} of ${s.name} is ${show(s.y[i])}, not a number or null`
  }
  return null
}

/** Can a curves payload be drawn on a log y axis (every value present is > 0)? */
export function curvesLogAllowed(p: CurvesPayload): boolean {
  return p.series.every((s) => s.y.every((v) => v === null || v > 0))
}


// ---------------------------------------------------------------- scatter plots

/** One colour per group index (matplotlib's tab10): points, a class grid's cells and centroid markers share it. */
export const GROUP_COLOURS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf']

/** The colour of group `i` (cycling past the palette). */
export const groupColour = (i: number) => GROUP_COLOURS[((i % GROUP_COLOURS.length) + GROUP_COLOURS.length) % GROUP_COLOURS.length]

/** The first problem of lists of finite numbers that must be as long as each other (keyed by name), or null. */
function numberListsProblem(what: string, lists: Record<string, unknown>): string | null {
  const entries = Object.entries(lists)
  for (const [k, v] of entries) if (!Array.isArray(v)) return `${what} has no ${k} list`
  const lengths = entries.map(([, v]) => (v as unknown[]).length)
  if (lengths.some((n) => n !== lengths[0])) return `${what} has ${entries.map(([k], j) => `${lengths[j]} ${k}`).join(', ').replace(/, ([^,]*)$/, ' and $1')} values (expected as many of each)`
  for (const [k, v] of entries) {
    const list = v as unknown[]
    const i = firstBad(list, isFiniteNumber)
    if (i >= 0) return `${k} ${i} of ${what} is ${show(list[i])}, not a number`
  }
  return null
}

/** What is wrong with a scatter payload, or null when it can be drawn. */
export function scatterProblem(p: unknown): string | null {
  if (!isObject(p)) return 'the payload is not an object with groups'
  const { groups, arrows, grid, markers, lines } = p
  if (!Array.isArray(groups)) return 'groups is missing (expected { name, x, y } per group)'
  if (groups.length === 0 && arrows === undefined && grid === undefined && markers === undefined && (!Array.isArray(lines) || !lines.length)) return 'there is nothing to draw: groups is empty and there are no arrows, grid, markers or lines'
  for (let g = 0; g < groups.length; g++) {
    const grp = groups[g]
    if (!isObject(grp) || typeof grp.name !== 'string') return `group ${g} has no name`
    const bad = numberListsProblem(`group ${grp.name}`, { x: grp.x, y: grp.y })
    if (bad) return bad
  }
  const n = groups.length
  const groupIndex = (v: unknown) => Number.isInteger(v) && (v as number) >= 0 && (n === 0 || (v as number) < n)
  const range = n ? ` (0 to ${n - 1})` : ''
  if (arrows !== undefined) {
    if (!isObject(arrows)) return 'arrows is not an object with x, y, dx and dy'
    const bad = numberListsProblem('arrows', { x: arrows.x, y: arrows.y, dx: arrows.dx, dy: arrows.dy })
    if (bad) return bad
  }
  if (grid !== undefined) {
    if (!isObject(grid)) return 'grid is not an object with nx, ny, extent, values and kind'
    const { nx, ny, extent, values, kind } = grid
    if (!Number.isInteger(nx) || (nx as number) < 1) return `grid nx is ${show(nx)}, not a positive whole number`
    if (!Number.isInteger(ny) || (ny as number) < 1) return `grid ny is ${show(ny)}, not a positive whole number`
    if (!Array.isArray(extent) || extent.length !== 4 || !extent.every(isFiniteNumber) || !(extent[0] < extent[1]) || !(extent[2] < extent[3])) return `grid extent is ${show(extent)} (expected [x0, x1, y0, y1] with x0 < x1 and y0 < y1)`
    if (kind !== 'class' && kind !== 'value') return `grid kind is ${show(kind)} (expected class or value)`
    if (!Array.isArray(values)) return 'grid values is missing (expected ny rows of nx cells, row-major)'
    const cells = (nx as number) * (ny as number)
    if (values.length !== cells) return `grid has ${values.length} values for ${nx} × ${ny} cells (expected ${cells})`
    const i = firstBad(values, kind === 'class' ? (v) => v === null || groupIndex(v) : isCell)
    if (i >= 0) return kind === 'class' ? `grid value ${i} is ${show(values[i])}, not a group index${range} or null` : `grid value ${i} is ${show(values[i])}, not a number or null`
  }
  if (markers !== undefined) {
    if (!isObject(markers) || typeof markers.name !== 'string') return 'markers has no name'
    const bad = numberListsProblem(`markers ${markers.name}`, { x: markers.x, y: markers.y })
    if (bad) return bad
    if (markers.group !== undefined) {
      const xs = markers.x as unknown[]
      if (!Array.isArray(markers.group) || markers.group.length !== xs.length) return `markers ${markers.name} has ${Array.isArray(markers.group) ? markers.group.length : 'no'} group indices for ${xs.length} markers`
      const i = firstBad(markers.group, groupIndex)
      if (i >= 0) return `marker ${i} of ${markers.name} has group ${show(markers.group[i])}, not a group index${range}`
    }
  }
  if (lines !== undefined) {
    if (!Array.isArray(lines)) return 'lines is not a list'
    const pair = (v: unknown) => Array.isArray(v) && v.length === 2 && v.every(isFiniteNumber)
    const i = firstBad(lines, (l) => isObject(l) && typeof l.name === 'string' && pair(l.x) && pair(l.y))
    if (i >= 0) return `line ${i} is ${show(lines[i])} (expected { name, x: [x0, x1], y: [y0, y1] })`
  }
  return null
}

/** A grid cell (or a run of equal cells in one row) as [x0, x1, y0, y1, value]. */
export type GridRect = [number, number, number, number, number]

/**
 * The rectangles of a scatter payload's background grid, row 0 from y0: null cells left out, and in a class grid
 * each run of equal cells along a row merged into one rectangle (a Voronoi map is a few hundred runs, not
 * 10 000 cells).
 */
export function gridRects(grid: NonNullable<ScatterPayload['grid']>): GridRect[] {
  const { nx, ny, extent, values, kind } = grid
  const [x0, x1, y0, y1] = extent
  const w = (x1 - x0) / nx
  const hgt = (y1 - y0) / ny
  const xAt = (c: number) => (c === nx ? x1 : x0 + c * w)
  const out: GridRect[] = []
  for (let r = 0; r < ny; r++) {
    const ya = y0 + r * hgt
    const yb = r + 1 === ny ? y1 : y0 + (r + 1) * hgt
    for (let c = 0; c < nx; ) {
      const v = values[r * nx + c]
      let end = c + 1
      if (kind === 'class') while (end < nx && values[r * nx + end] === v) end++
      if (v !== null) out.push([xAt(c), xAt(end), ya, yb, v])
      c = end
    }
  }
  return out
}

/**
 * [min, max] of x and y over the layers of a scatter payload (arrows to their heads), the shorter range padded to
 * the longer one's span when `equal`, then each widened by `pad` × its span on both sides. Null when nothing has a
 * position.
 */
export function scatterBounds(p: ScatterPayload, equal: boolean, pad = 0): { x: [number, number]; y: [number, number] } | null {
  let xlo = Infinity
  let xhi = -Infinity
  let ylo = Infinity
  let yhi = -Infinity
  const add = (xs: readonly number[], ys: readonly number[]) => {
    for (const x of xs) {
      if (x < xlo) xlo = x
      if (x > xhi) xhi = x
    }
    for (const y of ys) {
      if (y < ylo) ylo = y
      if (y > yhi) yhi = y
    }
  }
  for (const g of p.groups) add(g.x, g.y)
  if (p.arrows) {
    const a = p.arrows
    add(a.x, a.y)
    add(a.x.map((x, i) => x + a.dx[i]), a.y.map((y, i) => y + a.dy[i]))
  }
  if (p.grid) add(p.grid.extent.slice(0, 2), p.grid.extent.slice(2, 4))
  if (p.markers) add(p.markers.x, p.markers.y)
  // Lines (a unit's decision line, drawn long) are clipped to the other layers; they set the range only alone.
  if (!(xhi >= xlo) || !(yhi >= ylo)) for (const l of p.lines ?? []) add(l.x, l.y)
  if (!(xhi >= xlo) || !(yhi >= ylo)) return null
  let xs = xhi - xlo
  let ys = yhi - ylo
  // A single point (or a column of them) still gets a range around it.
  if (!xs) xs = ys || Math.abs(xlo) * 0.2 || 1
  if (!ys) ys = xs || Math.abs(ylo) * 0.2 || 1
  if (equal) xs = ys = Math.max(xs, ys)
  const xm = (xlo + xhi) / 2
  const ym = (ylo + yhi) / 2
  const xh = (xs / 2) * (1 + 2 * pad)
  const yh = (ys / 2) * (1 + 2 * pad)
  return { x: [xm - xh, xm + xh], y: [ym - yh, ym + yh] }
}
