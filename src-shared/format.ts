/** Small formatting helpers shared by the renderer and the CLI: one number format per quantity. */

export function formatDuration(seconds: number | null | undefined): string {
  if (seconds == null || !Number.isFinite(seconds)) return '—'
  // Rounded to the shown precision before choosing the unit, so 119.7 s reads "2 min 00 s", never "1 min 60 s".
  const ms = Math.round(seconds * 1000)
  if (ms < 1000) return `${ms} ms`
  const tenths = Math.round(seconds * 10)
  if (tenths < 600) return `${(tenths / 10).toFixed(1)} s`
  const whole = Math.round(seconds)
  const m = Math.floor(whole / 60)
  const s = whole % 60
  if (m < 60) return `${m} min ${s.toString().padStart(2, '0')} s`
  const h = Math.floor(m / 60)
  return `${h} h ${(m % 60).toString().padStart(2, '0')} min`
}

export function formatMetric(v: number | null | undefined, digits = 4): string {
  if (v == null) return '—'
  if (!Number.isFinite(v)) return String(v)
  if (v !== 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e5)) return v.toExponential(2)
  return Number(v.toFixed(digits)).toString()
}

/**
 * Scalars that are fractions of 1 and read as percentages: accuracies of every split and their minibatch
 * form (`test/accuracy`, `train/batch_accuracy`, `acc`). They are bounded, so a log axis means nothing for them.
 */
export function isFractionMetric(key: string): boolean {
  const last = key.slice(key.lastIndexOf('/') + 1)
  return /(^|[_-])acc(uracy)?$/i.test(last)
}

/** A fraction as a percentage with a fixed number of decimals: 0.999 → "99.90 %". */
export function formatPercent(fraction: number | null | undefined, digits = 2): string {
  if (fraction == null) return '—'
  if (!Number.isFinite(fraction)) return String(fraction)
  return `${(fraction * 100).toFixed(digits)} %`
}

/**
 * The one format of a named metric's value, wherever it is shown (tables, cards, tooltips): accuracies as
 * percentages ("99.90 %"), everything else by formatMetric.
 */
export function formatMetricValue(key: string, v: number | null | undefined): string {
  return isFractionMetric(key) ? formatPercent(v) : formatMetric(v)
}

const SUPERSCRIPT: Record<string, string> = { '-': '⁻', '0': '⁰', '1': '¹', '2': '²', '3': '³', '4': '⁴', '5': '⁵', '6': '⁶', '7': '⁷', '8': '⁸', '9': '⁹' }

/** 1.5e-4 → "1.5×10⁻⁴"; an exact power of ten → "10⁻⁴" (the form a log axis reads in). */
export function formatPowerOfTen(v: number, significant = 3): string {
  if (v === 0) return '0'
  if (!Number.isFinite(v)) return String(v)
  const [mantissa, exponent] = v.toExponential(significant - 1).split('e')
  const m = String(Number(mantissa))
  const e = String(Number(exponent)).replace(/[-0-9]/g, (d) => SUPERSCRIPT[d])
  if (m === '1') return `10${e}`
  if (m === '-1') return `−10${e}`
  return `${m.replace('-', '−')}×10${e}`
}

/** Plain tick text: float noise rounded away, thousands grouped ("6,400", "0.3", "−2.5"). */
function plainTick(v: number): string {
  const rounded = Number(v.toPrecision(10))
  return rounded.toLocaleString('en-US', { maximumFractionDigits: 10 }).replace('-', '−')
}

/**
 * The tick-label format of one axis, chosen once from the range it shows so every tick reads alike: powers
 * of ten when the axis is logarithmic over more than a few decades or its values are very large or small
 * (never "1e+40" beside "100,000,000,000,000,000,000"), plain numbers otherwise.
 */
export function tickFormatter(range: [number, number] | null, log = false): (v: number) => string {
  const [lo, hi] = range ?? [0, 0]
  const largest = Math.max(Math.abs(lo), Math.abs(hi))
  const smallest = Math.min(Math.abs(lo), Math.abs(hi))
  const powers = log ? largest >= 1e4 || (smallest > 0 && smallest < 1e-2) : largest >= 1e5 || (largest > 0 && largest < 1e-3)
  return (v: number) => (typeof v !== 'number' || !Number.isFinite(v) ? String(v) : v === 0 ? '0' : powers ? formatPowerOfTen(v) : plainTick(v))
}

/** Tick labels of a fraction shown as percentages: 0.95 → "95 %", 0.925 → "92.5 %". */
export function percentTick(v: number): string {
  return typeof v === 'number' && Number.isFinite(v) ? `${Number((v * 100).toFixed(1))} %` : String(v)
}

/** A moment as local "2026-12-03 11:43" (sortable, the same width in every row, no locale guessing). */
export function formatDateTime(ms: number | null | undefined): string {
  if (ms == null || !Number.isFinite(ms)) return '—'
  const d = new Date(ms)
  const p = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`
}

/** Remaining time from progress so far; null until there is enough to estimate. */
export function estimateEta(fraction: number, elapsedSeconds: number): number | null {
  if (!(fraction > 0.005) || fraction >= 1 || elapsedSeconds <= 0) return fraction >= 1 ? 0 : null
  return (elapsedSeconds * (1 - fraction)) / fraction
}

/** Sizes in decimal units, one format for every message and view: "980 bytes", "12.4 kB", "340.0 MB", "1.2 GB". */
export function formatBytes(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)} GB`
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} MB`
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} kB`
  return `${Math.round(n)} bytes`
}
