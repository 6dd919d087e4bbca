/**
 * The ECharts option of one compare curve chart, from already computed curves: per run a faint raw line
 * behind the smoothed one, or per group a mean line over a shaded band (a transparent lower line plus a
 * stacked upper − lower area). Series carry stable ids so an update merges into the live chart (zoom and
 * legend selection survive); ECharts' own sampling is off — the data is already at pixel width.
 */
import { markRaw } from 'vue'
import { formatMetric, formatMetricValue, isFractionMetric } from '../../../src-shared/format'
import { allPositive, plotGrid, screenLegend, valueRange, xValueAxis, yValueAxis, type ChartColors } from '../../lib/charts'
import { escapeHtml, withAlpha } from './colors'
import { drawnBand, drawnPoints, tooltipRows, type Curve, type GroupedCurve, type XAxisMode } from './pipeline'

export const X_AXIS_NAMES: Record<XAxisMode, string> = { step: 'step', epoch: 'epoch', wall: 'wall time', relative: 'seconds since start' }

export interface CurveOptionInput {
  /** The scalar key: decides the number format (accuracy in %) and whether a log axis can apply. */
  metric: string
  curves: Curve[]
  groups: GroupedCurve[] | null
  xAxis: XAxisMode
  extent: [number, number] | null
  zoom: [number, number] | null
  logY: boolean
  /** Raw lines behind smoothed ones (only when smoothing is on and the view is not grouped). */
  showRaw: boolean
  width: number
  colors: ChartColors
}

export interface CurveOption {
  option: Record<string, unknown>
  /** Points handed to ECharts (all series). */
  points: number
  /** Main series: runs, or groups. */
  seriesCount: number
  bandCount: number
  /** Log y was asked for but this metric cannot take it (why), else null. */
  logRefused: string | null
}

/** Why a log y axis cannot show this chart (a fraction, or values ≤ 0), or null when it can. */
export function logRefusal(metric: string, curves: Curve[]): string | null {
  if (isFractionMetric(metric)) return 'linear y: accuracy is a fraction, a log scale does not apply'
  // The runs' own values decide (a group's band edge below zero is clipped, not a reason to refuse).
  const values = curves.flatMap((c) => [c.raw, c.smooth])
  if (values.some((v) => v.length) && !values.every((v) => !v.length || allPositive(v))) return 'linear y: some values are ≤ 0, which a log scale cannot show'
  return null
}

function formatX(x: number, mode: XAxisMode): string {
  return mode === 'wall' ? new Date(x).toLocaleString() : formatMetric(x)
}

/** The axis tooltip: every run's (or group's) smoothed value at the nearest point to the hovered x, highest first. */
function tooltipFormatter(hoverable: { name: string; color: string; x: Float64Array; smooth: Float64Array }[], mode: XAxisMode, metric: string) {
  return (params: unknown) => {
    const first = (Array.isArray(params) ? params[0] : params) as { axisValue?: number } | undefined
    const at = Number(first?.axisValue)
    if (!Number.isFinite(at)) return ''
    const rows = tooltipRows(hoverable, at)
    const shown = rows.slice(0, 30)
    const lines = shown.map((r) => `<div><span style="display:inline-block;width:9px;height:9px;border-radius:50%;background:${r.color};margin-right:6px"></span>${escapeHtml(r.name)} <b style="float:right;margin-left:14px">${formatMetricValue(metric, r.value)}</b></div>`)
    if (rows.length > shown.length) lines.push(`<div>… ${rows.length - shown.length} more</div>`)
    return `<div style="font-weight:600">${X_AXIS_NAMES[mode]} ${formatX(at, mode)}</div>${lines.join('')}`
  }
}

export function curveOption(inp: CurveOptionInput): CurveOption {
  const { curves, groups, zoom, width } = inp
  const refused = inp.logY ? logRefusal(inp.metric, curves) : null
  const logY = inp.logY && !refused
  const series: Record<string, unknown>[] = []
  let points = 0
  const line = { type: 'line', showSymbol: false, sampling: undefined, animation: false, progressive: 0 }
  if (groups) {
    for (const g of groups) {
      const d = drawnBand(g.agg, zoom, width, logY)
      const stack = `band:${g.key}`
      series.push({ ...line, id: `lo:${g.key}`, name: g.name, stack, data: markRaw(d.lower), lineStyle: { opacity: 0 }, silent: true, tooltip: { show: false }, color: g.color, z: 1 })
      series.push({ ...line, id: `band:${g.key}`, name: g.name, stack, data: markRaw(d.spread), lineStyle: { opacity: 0 }, areaStyle: { color: withAlpha(g.color, 0.2) }, silent: true, tooltip: { show: false }, color: g.color, z: 1 })
      series.push({ ...line, id: `mean:${g.key}`, name: g.name, data: markRaw(d.mean), lineStyle: { width: 2 }, color: g.color, z: 3 })
      points += d.mean.length + d.lower.length + d.spread.length
    }
  } else {
    for (const c of curves) {
      if (inp.showRaw && c.raw !== c.smooth) {
        const raw = drawnPoints(c.x, c.raw, zoom, width, logY)
        series.push({ ...line, id: `raw:${c.id}`, name: c.name, data: markRaw(raw), lineStyle: { width: 1, opacity: 0.22 }, color: c.color, silent: true, tooltip: { show: false }, z: 1 })
        points += raw.length
      }
      const sm = drawnPoints(c.x, c.smooth, zoom, width, logY)
      series.push({ ...line, id: `run:${c.id}`, name: c.name, data: markRaw(sm), lineStyle: { width: 1.6 }, color: c.color, z: 3 })
      points += sm.length
    }
  }
  const hoverable = groups ? groups.map((g) => ({ name: g.name, color: g.color, x: g.agg.x, smooth: g.agg.mean })) : curves
  const extent = inp.extent
  const range = zoom ?? extent
  const zoomWindow = range ? { startValue: range[0], endValue: range[1] } : { start: 0, end: 100 }
  const c = inp.colors
  const yRange = valueRange(
    (function* () {
      for (const s of groups ? groups.flatMap((g) => [g.agg.lower, g.agg.upper]) : curves.map((c) => c.smooth)) yield* s
    })(),
    logY
  )
  const option = {
    backgroundColor: c.bg,
    animation: false,
    textStyle: { color: c.text },
    grid: plotGrid(34, { bottom: 32 }),
    legend: { ...screenLegend(c, (groups ?? curves).length), data: (groups ?? curves).map((s) => s.name) },
    tooltip: { trigger: 'axis', axisPointer: { type: 'line' }, confine: true, formatter: tooltipFormatter(hoverable, inp.xAxis, inp.metric) },
    dataZoom: [
      { id: 'inside', type: 'inside', xAxisIndex: 0, filterMode: 'none', ...zoomWindow },
      { id: 'slider', type: 'slider', xAxisIndex: 0, filterMode: 'none', height: 16, bottom: 6, ...zoomWindow }
    ],
    xAxis:
      inp.xAxis === 'wall'
        ? { ...xValueAxis(c, { name: X_AXIS_NAMES[inp.xAxis] }), type: 'time', axisLabel: { hideOverlap: true, color: c.text }, min: extent ? extent[0] : 'dataMin', max: extent ? extent[1] : 'dataMax' }
        : xValueAxis(c, { name: X_AXIS_NAMES[inp.xAxis], range: extent, min: extent ? extent[0] : 'dataMin', max: extent ? extent[1] : 'dataMax' }),
    yAxis: yValueAxis(c, { log: logY, percent: isFractionMetric(inp.metric), range: yRange }),
    series
  }
  return { option, points, seriesCount: (groups ?? curves).length, bandCount: groups ? groups.length : 0, logRefused: refused }
}
