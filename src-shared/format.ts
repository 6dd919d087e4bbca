/** Small formatting helpers shared by the renderer and the CLI. */

export function formatDuration(seconds: number | null | undefined): string {
  if (seconds == null || !Number.isFinite(seconds)) return '—'
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`
  if (seconds < 60) return `${seconds.toFixed(1)} s`
  const m = Math.floor(seconds / 60)
  const s = Math.round(seconds % 60)
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

/** Remaining time from progress so far; null until there is enough to estimate. */
export function estimateEta(fraction: number, elapsedSeconds: number): number | null {
  if (!(fraction > 0.005) || fraction >= 1 || elapsedSeconds <= 0) return fraction >= 1 ? 0 : null
  return (elapsedSeconds * (1 - fraction)) / fraction
}
