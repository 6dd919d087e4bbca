/**
 * A sweep's results by setting: the runs of one combination of swept values (every seed of it) aggregated per
 * metric into mean ± std (src-shared/compare/aggregate.ts, the conventions of the compare bands), and the data
 * of a metric plotted against one swept parameter — one line per combination of the other parameters. Pure,
 * so the sweep view, its tests and its CSV share it.
 */
import { aggregateValues, type ValueStats } from '../../../src-shared/compare/aggregate'
import { isSeedField } from '../../../src-shared/compare/config'
import { formatValue, paramLabels, type SweepDetail, type SweepRunRow } from '../../../src-shared/sweeps'
import { fieldScale, sortCategories, type AxisScale } from '../compare/parallel'

export interface SweepSetting {
  /** Stable key of the combination (its values, seed excluded). */
  key: string
  /** The swept values of this setting by path (seed excluded). */
  values: Record<string, unknown>
  runs: SweepRunRow[]
  /** How many of its runs completed (only those enter the statistics). */
  completed: number
  stats: Record<string, ValueStats | null>
}

export interface SweepAggregate {
  /** Swept paths other than the seed, in the sweep's column order. */
  params: string[]
  labels: string[]
  settings: SweepSetting[]
}

/** Final metrics present in any run's summary, the usual ones first (epoch is a count, not a result). */
export function sweepMetrics(detail: Pick<SweepDetail, 'runs'>): string[] {
  const keys = new Set<string>()
  for (const r of detail.runs) for (const k of Object.keys(r.run.summary?.final ?? {})) if (k !== 'epoch') keys.add(k)
  const order = ['test/accuracy', 'val/accuracy', 'train/accuracy', 'test/loss', 'val/loss', 'train/loss']
  return [...keys].sort((a, b) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99) || a.localeCompare(b))
}

/** The sweep's runs grouped by setting (same swept values, any seed), each metric's final value as mean ± std over its completed runs. */
export function aggregateSweep(detail: Pick<SweepDetail, 'columns' | 'runs' | 'spec'>, metrics: string[]): SweepAggregate {
  const params = detail.columns.filter((c) => !isSeedField(c))
  const byPath = new Map(detail.spec.params.map((p) => [p.path, p]))
  const labels = paramLabels(params.map((path) => byPath.get(path) ?? { path }))
  const settings = new Map<string, SweepSetting>()
  for (const row of detail.runs) {
    const values = Object.fromEntries(params.map((p) => [p, row.values[p]]))
    const key = JSON.stringify(params.map((p) => row.values[p] ?? null))
    const s = settings.get(key) ?? { key, values, runs: [], completed: 0, stats: {} }
    s.runs.push(row)
    settings.set(key, s)
  }
  for (const s of settings.values()) {
    const done = s.runs.filter((r) => r.run.status === 'completed')
    s.completed = done.length
    for (const m of metrics) s.stats[m] = aggregateValues(done.map((r) => r.run.summary?.final[m]))
  }
  return { params, labels, settings: [...settings.values()] }
}

export interface ParamSeries {
  /** The other parameters' values this line holds fixed ('' when the sweep has one parameter). */
  name: string
  points: { x: number | string; mean: number; std: number; n: number; seeds: number[] }[]
}

export interface ParamPlot {
  scale: AxisScale
  categories: string[]
  series: ParamSeries[]
}

/**
 * `metric` against the swept parameter `param`: one series per combination of the other parameters, one
 * point per setting with a value (mean, std, n, and every seed's value). The axis follows the parameter's
 * values like a parallel-coordinates axis (log over decades, categories for enums).
 */
export function paramPlot(agg: SweepAggregate, param: string, metric: string): ParamPlot {
  const others = agg.params.filter((p) => p !== param)
  const otherLabels = others.map((p) => agg.labels[agg.params.indexOf(p)])
  const scale = fieldScale(param, agg.settings.map((s) => s.values[param]))
  const lines = new Map<string, ParamSeries>()
  for (const s of agg.settings) {
    const st = s.stats[metric]
    if (!st) continue
    const name = others.map((p, i) => `${otherLabels[i]}=${formatValue(s.values[p])}`).join(', ')
    const line = lines.get(name) ?? { name, points: [] }
    const x = s.values[param]
    const seeds = s.runs.filter((r) => r.run.status === 'completed').map((r) => r.run.summary?.final[metric]).filter((v): v is number => typeof v === 'number' && Number.isFinite(v))
    line.points.push({ x: scale === 'category' ? String(x) : (x as number), mean: st.mean, std: st.std, n: st.n, seeds })
    lines.set(name, line)
  }
  const categories = scale === 'category' ? sortCategories(agg.settings.map((s) => s.values[param])) : []
  for (const l of lines.values()) l.points.sort((a, b) => (scale === 'category' ? categories.indexOf(String(a.x)) - categories.indexOf(String(b.x)) : (a.x as number) - (b.x as number)))
  return { scale, categories, series: [...lines.values()] }
}
