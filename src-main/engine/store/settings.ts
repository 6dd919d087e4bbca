import type { Settings } from '../../../src-shared/records'
import type { Db } from './database'

export const DEFAULT_SETTINGS: Settings = { backend: 'auto', concurrency: 1 }

/** User settings, one JSON value per key; unknown keys in the table are ignored. */
export class SettingsStore {
  constructor(private readonly db: Db) {}

  get(): Settings {
    const rows = this.db.prepare('SELECT key, value FROM settings').all() as { key: string; value: string }[]
    const out: any = { ...DEFAULT_SETTINGS }
    for (const r of rows) if (r.key in out) out[r.key] = JSON.parse(r.value)
    return out
  }

  set(patch: Partial<Settings>): Settings {
    const upsert = this.db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value')
    this.db.transaction(() => {
      for (const [k, v] of Object.entries(patch)) if (v !== undefined) upsert.run(k, JSON.stringify(v))
    })()
    return this.get()
  }
}
