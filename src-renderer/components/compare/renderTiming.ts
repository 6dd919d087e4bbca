/**
 * `window.__compareRendered = { at, points }` after a compare chart finishes rendering (ECharts
 * 'finished'): `points` and `series` sum every mounted curve chart, so the bench can wait for the whole view.
 */
const drawn = new Map<symbol, { points: number; series: number }>()

declare global {
  interface Window {
    __compareRendered?: { at: number; points: number; series: number }
  }
}

export function noteRendered(chart: symbol, points: number, series: number): void {
  drawn.set(chart, { points, series })
  let total = 0
  let count = 0
  for (const d of drawn.values()) {
    total += d.points
    count += d.series
  }
  window.__compareRendered = { at: performance.now(), points: total, series: count }
}

export function forgetRendered(chart: symbol): void {
  drawn.delete(chart)
}
