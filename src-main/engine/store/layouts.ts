import { randomUUID } from 'node:crypto'
import type { CompareLayout } from '../../../src-shared/records'
import type { Db } from './database'

interface LayoutRow {
  id: string
  name: string
  state: string
  created_at: number
  updated_at: number
}

const toLayout = (r: LayoutRow): CompareLayout => ({ id: r.id, name: r.name, state: JSON.parse(r.state), createdAt: r.created_at, updatedAt: r.updated_at })

/** Saved compare views (migration 3). The state is validated by the caller (compareStateSchema) and kept as JSON. */
export class LayoutStore {
  constructor(private readonly db: Db) {}

  /** Newest updated first. */
  list(): CompareLayout[] {
    return (this.db.prepare('SELECT * FROM compare_layouts ORDER BY updated_at DESC, rowid DESC').all() as LayoutRow[]).map(toLayout)
  }

  get(id: string): CompareLayout | undefined {
    const row = this.db.prepare('SELECT * FROM compare_layouts WHERE id = ?').get(id) as LayoutRow | undefined
    return row && toLayout(row)
  }

  /** Create (no id, or an id not stored yet) or overwrite name and state by id, keeping its creation time. */
  save(l: { id?: string; name: string; state: unknown }): CompareLayout {
    const id = l.id ?? randomUUID()
    const now = Date.now()
    this.db
      .prepare(
        `INSERT INTO compare_layouts (id, name, state, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, state = excluded.state, updated_at = excluded.updated_at`
      )
      .run(id, l.name, JSON.stringify(l.state), now, now)
    return this.get(id)!
  }

  delete(id: string): boolean {
    return this.db.prepare('DELETE FROM compare_layouts WHERE id = ?').run(id).changes > 0
  }
}
