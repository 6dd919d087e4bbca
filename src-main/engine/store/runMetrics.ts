/**
 * Per run and scalar key: last / min / max (with their steps) and the point count, in `run_metrics`
 * (migration 3). Every scalar write folds its batch in here, in the same transaction, so the runs table
 * reads a few rows per run instead of scanning curves.
 */
import type { MetricStats } from '../../../src-shared/records'
import type { Db } from './database'

/** One key's share of a batch; min/max stay null when the batch has no finite value for the key. */
interface BatchStats {
  last: number | null
  lastStep: number
  min: number | null
  minStep: number | null
  max: number | null
  maxStep: number | null
  count: number
}

/**
 * Fold a batch per key in insertion order: the last value is the one at the greatest step, a later
 * point winning a tie (as rowid order does in the store); the first occurrence of a min or max keeps it.
 * Non-finite values count and can be `last`, but never touch min/max.
 */
export function aggregateBatch(points: Iterable<{ key: string; step: number; value: number }>): Map<string, BatchStats> {
  const out = new Map<string, BatchStats>()
  for (const p of points) {
    const finite = Number.isFinite(p.value)
    const value = finite ? p.value : null
    const s = out.get(p.key)
    if (!s) {
      out.set(p.key, { last: value, lastStep: p.step, min: value, minStep: finite ? p.step : null, max: value, maxStep: finite ? p.step : null, count: 1 })
      continue
    }
    s.count++
    if (p.step >= s.lastStep) (s.last = value), (s.lastStep = p.step)
    if (value === null) continue
    if (s.min === null || value < s.min) (s.min = value), (s.minStep = p.step)
    if (s.max === null || value > s.max) (s.max = value), (s.maxStep = p.step)
  }
  return out
}

// In an UPSERT's SET every right-hand side sees the old row, so the order of the assignments is free.
const UPSERT = `
  INSERT INTO run_metrics AS m (run_id, key, last, last_step, min, min_step, max, max_step, count)
  VALUES (@runId, @key, @last, @lastStep, @min, @minStep, @max, @maxStep, @count)
  ON CONFLICT (run_id, key) DO UPDATE SET
    last = CASE WHEN excluded.last_step >= m.last_step THEN excluded.last ELSE m.last END,
    last_step = MAX(m.last_step, excluded.last_step),
    min = CASE WHEN excluded.min IS NOT NULL AND (m.min IS NULL OR excluded.min < m.min) THEN excluded.min ELSE m.min END,
    min_step = CASE WHEN excluded.min IS NOT NULL AND (m.min IS NULL OR excluded.min < m.min) THEN excluded.min_step ELSE m.min_step END,
    max = CASE WHEN excluded.max IS NOT NULL AND (m.max IS NULL OR excluded.max > m.max) THEN excluded.max ELSE m.max END,
    max_step = CASE WHEN excluded.max IS NOT NULL AND (m.max IS NULL OR excluded.max > m.max) THEN excluded.max_step ELSE m.max_step END,
    count = m.count + excluded.count`

export type MetricsRow = [runId: string, key: string, last: number | null, lastStep: number, min: number | null, minStep: number | null, max: number | null, maxStep: number | null, count: number]

/** NULL (no finite value) comes back as NaN, like non-finite scalar values do. */
export function toStats(r: MetricsRow): MetricStats {
  const n = (v: number | null) => v ?? NaN
  return { last: n(r[2]), lastStep: r[3], min: n(r[4]), minStep: n(r[5]), max: n(r[6]), maxStep: n(r[7]), count: r[8] }
}

export class RunMetrics {
  private readonly upsert

  constructor(private readonly db: Db) {
    this.upsert = db.prepare(UPSERT)
  }

  /** Fold a batch of scalar points into the run's stats; call inside the transaction that inserts them. */
  add(runId: string, points: Iterable<{ key: string; step: number; value: number }>): void {
    for (const [key, s] of aggregateBatch(points)) this.upsert.run({ runId, key, ...s })
  }

  /** Stats of every run not in the trash, by run id by key (one query). */
  all(): Record<string, Record<string, MetricStats>> {
    const rows = this.db
      .prepare(
        `SELECT m.run_id, m.key, m.last, m.last_step, m.min, m.min_step, m.max, m.max_step, m.count
         FROM run_metrics m JOIN runs r ON r.id = m.run_id WHERE r.deleted_at IS NULL`
      )
      .raw()
      .all() as MetricsRow[]
    const out: Record<string, Record<string, MetricStats>> = {}
    for (const r of rows) (out[r[0]] ??= {})[r[1]] = toStats(r)
    return out
  }

  /** Recompute one run's stats from its stored scalars (after scalars were deleted: a resumed run). */
  rebuild(runId: string): void {
    this.db.prepare('DELETE FROM run_metrics WHERE run_id = ?').run(runId)
    const points = this.db.prepare('SELECT key, step, value FROM scalars WHERE run_id = ? ORDER BY rowid').all(runId) as { key: string; step: number; value: number | null }[]
    this.add(runId, points.map((p) => ({ key: p.key, step: p.step, value: p.value ?? NaN })))
  }

  /** One run's stats by key. */
  of(runId: string): Record<string, MetricStats> {
    const rows = this.db.prepare('SELECT run_id, key, last, last_step, min, min_step, max, max_step, count FROM run_metrics WHERE run_id = ?').raw().all(runId) as MetricsRow[]
    return Object.fromEntries(rows.map((r) => [r[1], toStats(r)]))
  }
}
