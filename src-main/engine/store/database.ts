import Database from 'better-sqlite3'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { ensureFolder } from '../paths'
import { MIGRATIONS, type Migration } from './migrations'

export type Db = Database.Database

export const DB_FILE = 'lab.sqlite'

/**
 * How long a write waits for another process's write transaction before SQLITE_BUSY. Every long write of
 * the lab (run import, emptying the trash) is cut into transactions far shorter than this, so a second
 * process on the same store waits instead of failing.
 */
export const BUSY_TIMEOUT_MS = 5000

/**
 * Open (or create) the lab database in `dataDir`: WAL so readers never block the writer and a killed
 * process never corrupts the file, foreign keys on, a busy timeout for the CLI and engine sharing it.
 * `readOnly`: a connection that cannot write (read-only CLI commands) — it never takes the write lock, so
 * it neither waits for nor blocks the engine. A store that does not exist yet, or needs a migration, is
 * first created or migrated by a brief writing open.
 */
export function openDatabase(dataDir: string, migrations: Migration[] = MIGRATIONS, opts: { readOnly?: boolean } = {}): Db {
  const file = join(dataDir, DB_FILE)
  if (opts.readOnly && existsSync(file)) {
    const db = new Database(file, { readonly: true, fileMustExist: true })
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`)
    if (schemaVersion(db) === migrations.length) return db
    db.close()
    openDatabase(dataDir, migrations).close()
    return openDatabase(dataDir, migrations, opts)
  }
  if (!existsSync(file)) ensureFolder(dataDir)
  const db = new Database(file)
  db.pragma('journal_mode = WAL')
  db.pragma('foreign_keys = ON')
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`)
  // NORMAL is durable against process crashes in WAL mode (only an OS crash can lose the last commits).
  db.pragma('synchronous = NORMAL')
  migrate(db, migrations)
  return db
}

const pause = new Int32Array(new SharedArrayBuffer(4))

/**
 * One of many short write transactions of a long job (an import, emptying the trash), then a pause about
 * as long as it took. Back to back, such transactions would leave another process almost no moment to
 * take the lock: its busy handler polls (sleeping 1…100 ms between tries) and would keep finding the
 * store locked until its timeout. Only for workers and recovery — it blocks the calling thread.
 */
export function pacedWrite<T>(write: () => T): T {
  const started = performance.now()
  const result = write()
  Atomics.wait(pause, 0, 0, Math.min(50, performance.now() - started))
  return result
}

/** SQLITE_BUSY (or LOCKED): another connection holds the lock past the busy timeout; the write may be retried. */
export function isBusy(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'))
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number
}

export function migrate(db: Db, migrations: Migration[]): void {
  const current = schemaVersion(db)
  if (current > migrations.length) {
    throw new Error(`database schema version ${current} is newer than this lab supports (${migrations.length}); update the lab`)
  }
  for (let v = current; v < migrations.length; v++) {
    db.transaction(() => {
      const m = migrations[v]
      if (typeof m === 'string') db.exec(m)
      else m(db)
      db.pragma(`user_version = ${v + 1}`)
    })()
  }
}
