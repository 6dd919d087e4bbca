/**
 * Parallel coordinates data: one row per run, one axis per chosen config field and the chosen metric's final
 * value last. A field's axis follows what its values are (fieldScale): seeds and enums are categories, a
 * positive field spanning more than a decade (a learning rate) is logarithmic, other numbers linear. The brush
 * (kept intervals per axis) is plain state, so which runs it keeps is a pure function shared by the chart and
 * the buttons.
 */
import { flattenConfig, isSeedField } from '../../../src-shared/compare/config'
import type { CompareState } from '../../../src-shared/compare/state'
import type { Run, RunTable } from '../../../src-shared/records'

export type Brush = CompareState['parallel']['brush']
export type Cell = number | string | null

export type AxisScale = 'value' | 'log' | 'category'

export interface ParallelAxis {
  field: string
  type: AxisScale
  categories: string[]
}

const numericFirst = new Intl.Collator(undefined, { numeric: true })

/**
 * The axis a hyperparameter's values want: categories for seeds (a seed has no order or distance) and for
 * anything not all numbers (enums, booleans, text); a log axis for positive numbers spanning more than a
 * decade; a linear one otherwise.
 */
export function fieldScale(field: string, values: readonly unknown[]): AxisScale {
  const present = values.filter((v) => v !== null && v !== undefined)
  if (isSeedField(field) || !present.length || !present.every((v) => typeof v === 'number' && Number.isFinite(v))) return 'category'
  const nums = present as number[]
  const lo = Math.min(...nums)
  const hi = Math.max(...nums)
  return lo > 0 && hi / lo > 10 ? 'log' : 'value'
}

/** Category values in a natural order: 2 before 10, then text alphabetically. */
export function sortCategories(values: Iterable<unknown>): string[] {
  return [...new Set([...values].map(String))].sort(numericFirst.compare)
}

export interface ParallelRow {
  id: string
  name: string
  values: Cell[]
}

function cellOf(v: unknown): Cell {
  if (v === undefined || v === null) return null
  return typeof v === 'number' ? v : String(v)
}

/** The final value of `metric` for a run (its last logged value), or null. */
export function finalMetric(metrics: RunTable['metrics'], runId: string, metric: string | null): number | null {
  if (!metric) return null
  const v = metrics[runId]?.[metric]?.last
  return typeof v === 'number' && Number.isFinite(v) ? v : null
}

export function parallelData(runs: Run[], fields: string[], metric: string | null, metrics: RunTable['metrics']): { axes: ParallelAxis[]; rows: ParallelRow[] } {
  const flats = runs.map((r) => flattenConfig(r.config))
  const rows: ParallelRow[] = runs.map((r, i) => ({ id: r.id, name: r.name, values: [...fields.map((f) => cellOf(flats[i][f])), ...(metric ? [finalMetric(metrics, r.id, metric)] : [])] }))
  const names = metric ? [...fields, metric] : fields
  const axes: ParallelAxis[] = names.map((field, j) => {
    const vals = rows.map((r) => r.values[j]).filter((v) => v !== null)
    // The metric axis (last) is a result, not a hyperparameter: linear unless it holds text.
    const type: AxisScale = j >= fields.length ? (vals.every((v) => typeof v === 'number') ? 'value' : 'category') : fieldScale(field, vals)
    return { field, type, categories: type === 'category' ? sortCategories(vals) : [] }
  })
  // Category axes draw strings; numbers mixed into a category field become their text.
  for (const r of rows) r.values = r.values.map((v, j) => (axes[j].type === 'category' && v !== null ? String(v) : v))
  return { axes, rows }
}

/** Whether a row passes every brushed axis (runs without a value on a brushed axis do not). */
export function keptByBrush(row: ParallelRow, axes: ParallelAxis[], brush: Brush): boolean {
  return axes.every((a, j) => {
    const b = brush[a.field]
    if (!b) return true
    const v = row.values[j]
    if (v === null) return false
    if (a.type === 'category') return (b as string[]).includes(String(v))
    const [lo, hi] = b as [number, number]
    return typeof v === 'number' && v >= lo && v <= hi
  })
}

/** ECharts' axis-area intervals (axis coordinates) → a brush entry; empty intervals clear it. */
export function brushFromIntervals(axis: ParallelAxis, intervals: number[][]): Brush[string] | null {
  if (!intervals.length) return null
  if (axis.type === 'category') return axis.categories.filter((_, i) => intervals.some(([a, b]) => i >= Math.min(a, b) && i <= Math.max(a, b)))
  const lo = Math.min(...intervals.map((iv) => Math.min(iv[0], iv[1])))
  const hi = Math.max(...intervals.map((iv) => Math.max(iv[0], iv[1])))
  return [lo, hi]
}

/** A brush entry → ECharts intervals, to restore the brush drawn on the axis. */
export function intervalsFromBrush(axis: ParallelAxis, b: Brush[string]): number[][] {
  if (axis.type === 'category') return (b as string[]).map((c) => axis.categories.indexOf(c)).filter((i) => i >= 0).map((i) => [i - 0.4, i + 0.4])
  return [b as number[]]
}
