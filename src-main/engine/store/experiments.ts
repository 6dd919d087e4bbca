import { randomUUID } from 'node:crypto'
import type { Experiment } from '../../../src-shared/records'
import type { Db } from './database'
import { IMPORTING, purgeRun } from './runs'

interface ExperimentRow {
  id: string
  name: string
  study_id: string
  config: string
  notes: string
  tags: string
  created_at: number
  updated_at: number
  run_count: number
}

const SELECT = `SELECT e.*, (SELECT COUNT(*) FROM runs r WHERE r.experiment_id = e.id AND r.deleted_at IS NULL) AS run_count
  FROM experiments e`

function toExperiment(r: ExperimentRow): Experiment {
  return {
    id: r.id,
    name: r.name,
    studyId: r.study_id,
    config: JSON.parse(r.config),
    notes: r.notes,
    tags: JSON.parse(r.tags),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    runCount: r.run_count
  }
}

export class ExperimentStore {
  constructor(private readonly db: Db) {}

  list(): Experiment[] {
    return (this.db.prepare(`${SELECT} WHERE e.deleted_at IS NULL ORDER BY e.updated_at DESC`).all() as ExperimentRow[]).map(toExperiment)
  }

  get(id: string): Experiment | undefined {
    const row = this.db.prepare(`${SELECT} WHERE e.id = ? AND e.deleted_at IS NULL`).get(id) as ExperimentRow | undefined
    return row && toExperiment(row)
  }

  create(e: { name: string; studyId: string; config: unknown; notes?: string; tags?: string[] }): Experiment {
    const id = randomUUID()
    const now = Date.now()
    this.db
      .prepare('INSERT INTO experiments (id, name, study_id, config, notes, tags, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(id, e.name, e.studyId, JSON.stringify(e.config), e.notes ?? '', JSON.stringify(e.tags ?? []), now, now)
    return this.get(id)!
  }

  update(id: string, patch: { name?: string; config?: unknown; notes?: string; tags?: string[] }): Experiment | undefined {
    const sets: string[] = []
    const args: unknown[] = []
    if (patch.name !== undefined) (sets.push('name = ?'), args.push(patch.name))
    if (patch.config !== undefined) (sets.push('config = ?'), args.push(JSON.stringify(patch.config)))
    if (patch.notes !== undefined) (sets.push('notes = ?'), args.push(patch.notes))
    if (patch.tags !== undefined) (sets.push('tags = ?'), args.push(JSON.stringify(patch.tags)))
    sets.push('updated_at = ?')
    args.push(Date.now())
    this.db.prepare(`UPDATE experiments SET ${sets.join(', ')} WHERE id = ? AND deleted_at IS NULL`).run(...args, id)
    return this.get(id)
  }

  /** Soft delete: the experiment and its runs go to the trash. */
  softDelete(id: string): boolean {
    const now = Date.now()
    return this.db.transaction(() => {
      const changed = this.db.prepare('UPDATE experiments SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL').run(now, id).changes
      this.db.prepare('UPDATE runs SET deleted_at = ? WHERE experiment_id = ? AND deleted_at IS NULL').run(now, id)
      return changed > 0
    })()
  }

  /**
   * Permanently remove what is in the trash (runs' scalars and series go with them). A run at a time, its
   * rows in short transactions (purgeRun): emptying a trash of big runs never holds the write lock long
   * enough for another process's write to fail. Runs being imported are not in the trash.
   */
  emptyTrash(): { runs: number; experiments: number; datasets: number } {
    const trashed = this.db.prepare(`SELECT id FROM runs WHERE deleted_at IS NOT NULL AND deleted_at != ${IMPORTING}
      OR experiment_id IN (SELECT id FROM experiments WHERE deleted_at IS NOT NULL)`).pluck().all() as string[]
    for (const id of trashed) purgeRun(this.db, id)
    return this.db.transaction(() => {
      const experiments = this.db.prepare('DELETE FROM experiments WHERE deleted_at IS NOT NULL').run().changes
      const datasets = this.db.prepare('DELETE FROM datasets WHERE deleted_at IS NOT NULL').run().changes
      return { runs: trashed.length, experiments, datasets }
    })()
  }
}
