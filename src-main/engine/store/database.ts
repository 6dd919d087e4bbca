import Database from 'better-sqlite3'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { ensureFolder } from '../paths'
import { MIGRATIONS } from './migrations'

export type Db = Database.Database

export const DB_FILE = 'lab.sqlite'

/**
 * Open (or create) the lab database in `dataDir`: WAL so readers never block the writer and a killed
 * process never corrupts the file, foreign keys on, a busy timeout for the CLI and engine sharing it.
 */
export function openDatabase(dataDir: string, migrations: string[] = MIGRATIONS): Db {
  if (!existsSync(join(dataDir, DB_FILE))) ensureFolder(dataDir)
  const db = new Database(join(dataDir, DB_FILE))
  db.pragma('journal_mode = WAL')
  db.pragma('foreign_keys = ON')
  db.pragma('busy_timeout = 5000')
  // NORMAL is durable against process crashes in WAL mode (only an OS crash can lose the last commits).
  db.pragma('synchronous = NORMAL')
  migrate(db, migrations)
  return db
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number
}

export function migrate(db: Db, migrations: string[]): void {
  const current = schemaVersion(db)
  if (current > migrations.length) {
    throw new Error(`database schema version ${current} is newer than this lab supports (${migrations.length}); update the lab`)
  }
  for (let v = current; v < migrations.length; v++) {
    db.transaction(() => {
      db.exec(migrations[v])
      db.pragma(`user_version = ${v + 1}`)
    })()
  }
}
