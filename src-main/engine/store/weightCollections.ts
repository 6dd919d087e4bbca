/**
 * Collections of sampled binary-weight configurations (migration 5; types in src-shared/ising/collection.ts).
 * The engine is the only writer: a run worker sends the samples it collects and they are appended here,
 * `INSERT OR IGNORE` on (collection, trial) so a sample delivered twice — a resumed run repeating a trial that was
 * stored just before a crash — is stored once. Workers read collections through their own read-only connection.
 */
import type { CollectionHeader, CollectionSample, CollectionSummary } from '../../../src-shared/ising/collection'
import type { Db } from './database'

interface SampleRow {
  trial: number
  accepted: number
  test_accuracy: number
  train_accuracy: number | null
  seconds: number | null
  bits: Buffer
}

const toSample = (r: SampleRow): CollectionSample => ({
  trial: r.trial,
  accepted: r.accepted === 1,
  testAccuracy: r.test_accuracy,
  trainAccuracy: r.train_accuracy,
  seconds: r.seconds,
  // A copy on a fresh, aligned buffer: the row's Buffer may sit at an odd offset of a shared pool.
  bits: new Uint32Array(new Uint8Array(r.bits).buffer.slice(0, r.bits.byteLength - (r.bits.byteLength % 4)))
})

export class WeightCollectionStore {
  constructor(private readonly db: Db) {}

  /** Append samples (creating the collection on first use); returns how many were new. */
  append(header: CollectionHeader, samples: CollectionSample[], runId: string | null): number {
    const words = Math.ceil(header.spins / 32)
    for (const s of samples) {
      if (!Number.isInteger(s.trial) || s.trial < 0) throw new Error(`collection ${header.id}: trial index ${s.trial} is not a non-negative integer`)
      if (s.bits.length !== words) throw new Error(`collection ${header.id}: trial ${s.trial} has ${s.bits.length} words, expected ${words} for ${header.spins} spins`)
    }
    const now = Date.now()
    const insertSample = this.db.prepare(
      `INSERT OR IGNORE INTO weight_samples (collection_id, trial, accepted, test_accuracy, train_accuracy, seconds, bits, run_id, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`
    )
    return this.db.transaction(() => {
      const existing = this.db.prepare('SELECT spins, spec FROM weight_collections WHERE id = ?').get(header.id) as { spins: number; spec: string } | undefined
      if (!existing) {
        this.db
          .prepare('INSERT INTO weight_collections (id, scenario, spec, spins, created_at, created_by_run) VALUES (?, ?, ?, ?, ?, ?)')
          .run(header.id, header.scenario, JSON.stringify(header.spec), header.spins, now, runId)
      } else if (existing.spins !== header.spins) {
        throw new Error(`collection ${header.id} holds ${existing.spins}-spin configurations, not ${header.spins}`)
      }
      let added = 0
      for (const s of samples) {
        const bytes = Buffer.from(s.bits.buffer, s.bits.byteOffset, s.bits.byteLength)
        added += insertSample.run(header.id, s.trial, s.accepted ? 1 : 0, s.testAccuracy, s.trainAccuracy, s.seconds, bytes, runId, now).changes
      }
      return added
    })()
  }

  /** Every collection with its counts, newest first. */
  list(): CollectionSummary[] {
    const rows = this.db
      .prepare(
        `SELECT c.*, COUNT(s.trial) AS trials, COALESCE(SUM(s.accepted), 0) AS accepted_count,
                AVG(CASE WHEN s.accepted = 1 THEN s.test_accuracy END) AS mean_accuracy
         FROM weight_collections c LEFT JOIN weight_samples s ON s.collection_id = c.id
         GROUP BY c.id ORDER BY c.created_at DESC, c.id`
      )
      .all() as any[]
    return rows.map((r) => ({
      id: r.id,
      scenario: r.scenario,
      spec: JSON.parse(r.spec),
      spins: r.spins,
      createdAt: r.created_at,
      createdByRun: r.created_by_run,
      trials: r.trials,
      accepted: r.accepted_count,
      meanAccuracy: r.mean_accuracy
    }))
  }

  get(id: string): CollectionSummary | undefined {
    return this.list().find((c) => c.id === id)
  }

  /** The samples of a collection in trial order (`acceptedOnly`: the configurations a fit uses). */
  samples(id: string, opts: { acceptedOnly?: boolean; limit?: number } = {}): CollectionSample[] {
    const where = opts.acceptedOnly ? 'AND accepted = 1' : ''
    const limit = opts.limit != null ? `LIMIT ${Math.max(0, Math.floor(opts.limit))}` : ''
    return (this.db.prepare(`SELECT trial, accepted, test_accuracy, train_accuracy, seconds, bits FROM weight_samples WHERE collection_id = ? ${where} ORDER BY trial ${limit}`).all(id) as SampleRow[]).map(toSample)
  }

  /** The trial indices stored (accepted or not): a resumed collection skips them. */
  trials(id: string): Set<number> {
    return new Set((this.db.prepare('SELECT trial FROM weight_samples WHERE collection_id = ?').all(id) as { trial: number }[]).map((r) => r.trial))
  }

  /** Remove a collection and its samples; false when there was none. */
  remove(id: string): boolean {
    return this.db.prepare('DELETE FROM weight_collections WHERE id = ?').run(id).changes > 0
  }
}
