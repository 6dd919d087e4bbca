import type { EventPayloads } from '../../src-shared/contract'
import { formatDuration } from '../../src-shared/format'

/** One terminal line: bar, percent, steps, ETA and message, fitted to `columns`. */
export function progressLine(p: EventPayloads['run.progress'], columns: number): string {
  const pct = Math.max(0, Math.min(1, p.fraction))
  const tail = ` ${(pct * 100).toFixed(0).padStart(3)}%  ${p.step}/${p.totalSteps}  ETA ${formatDuration(p.etaSeconds)}  ${p.message}`
  const width = Math.max(10, Math.min(40, columns - tail.length - 3))
  const filled = Math.round(pct * width)
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]${tail}`.slice(0, Math.max(20, columns - 1)).padEnd(Math.max(20, columns - 1))
}

/** One terminal line for a dataset job (import, transform): bar, percent, elapsed time and message. */
export function jobLine(j: { fraction: number; message: string; seconds?: number; label: string }, columns: number): string {
  const pct = Math.max(0, Math.min(1, j.fraction))
  const tail = ` ${(pct * 100).toFixed(0).padStart(3)}%  ${formatDuration(j.seconds ?? null)}  ${j.message}`
  const width = Math.max(10, Math.min(40, columns - tail.length - 3))
  const filled = Math.round(pct * width)
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]${tail}`.slice(0, Math.max(20, columns - 1)).padEnd(Math.max(20, columns - 1))
}
