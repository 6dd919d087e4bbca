import { randomUUID } from 'node:crypto'
import type { SweepSpec } from '../../../src-shared/sweeps'
import type { Db } from './database'

export interface SweepRecord {
  id: string
  name: string
  experimentId: string | null
  studyId: string
  spec: SweepSpec
  createdAt: number
}

interface SweepRow {
  id: string
  name: string
  experiment_id: string | null
  study_id: string
  spec: string
  created_at: number
}

const toSweep = (r: SweepRow): SweepRecord => ({ id: r.id, name: r.name, experimentId: r.experiment_id, studyId: r.study_id, spec: JSON.parse(r.spec), createdAt: r.created_at })

/** Sweeps (migration 2). Their runs live in `runs` with sweep_id and sweep_index (the cell of the expansion). */
export class SweepStore {
  constructor(private readonly db: Db) {}

  create(s: { name: string; experimentId: string | null; studyId: string; spec: SweepSpec }): SweepRecord {
    const id = randomUUID()
    this.db
      .prepare('INSERT INTO sweeps (id, name, experiment_id, study_id, spec, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(id, s.name, s.experimentId, s.studyId, JSON.stringify(s.spec), Date.now())
    return this.get(id)!
  }

  /** A sweep goes with its experiment: deleting the experiment (soft) hides its sweeps too. */
  private static readonly LIVE = `SELECT s.* FROM sweeps s LEFT JOIN experiments e ON e.id = s.experiment_id
    WHERE s.deleted_at IS NULL AND (s.experiment_id IS NULL OR e.deleted_at IS NULL)`

  get(id: string): SweepRecord | undefined {
    const row = this.db.prepare(`${SweepStore.LIVE} AND s.id = ?`).get(id) as SweepRow | undefined
    return row && toSweep(row)
  }

  list(): SweepRecord[] {
    return (this.db.prepare(`${SweepStore.LIVE} ORDER BY s.created_at DESC, s.rowid DESC`).all() as SweepRow[]).map(toSweep)
  }

  /** Which sweep a run belongs to (null for a plain run). */
  sweepOf(runId: string): string | null {
    const row = this.db.prepare('SELECT sweep_id FROM runs WHERE id = ?').get(runId) as { sweep_id: string | null } | undefined
    return row?.sweep_id ?? null
  }

  softDelete(id: string): boolean {
    return this.db.prepare('UPDATE sweeps SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL').run(Date.now(), id).changes > 0
  }
}

