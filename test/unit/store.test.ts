import Database from 'better-sqlite3'
import { join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { DB_FILE, openDatabase, schemaVersion } from '../../src-main/engine/store/database'
import { MIGRATIONS } from '../../src-main/engine/store/migrations'
import { openStore } from '../../src-main/engine/store'
import { cleanupTempDirs, tempDir } from './helpers'

afterAll(cleanupTempDirs)

const DESIGN_TABLES = ['artifacts', 'compare_layouts', 'datasets', 'experiments', 'run_metrics', 'runs', 'scalars', 'series', 'settings', 'sweeps', 'weight_collections', 'weight_samples']

function tables(db: Database.Database): string[] {
  return (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[]).map((r) => r.name)
}

function columns(db: Database.Database, table: string): string[] {
  return (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name)
}

describe('store: migrations', () => {
  test('a new database gets every table of the design, WAL, foreign keys and user_version = number of migrations', () => {
    const dir = tempDir()
    const db = openDatabase(dir)
    try {
      expect(tables(db)).toEqual(DESIGN_TABLES)
      expect(schemaVersion(db)).toBe(MIGRATIONS.length)
      expect(MIGRATIONS.length).toBeGreaterThanOrEqual(1)
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1)
      expect(columns(db, 'runs')).toEqual(
        expect.arrayContaining(['experiment_id', 'config', 'seed', 'status', 'backend', 'started_at', 'finished_at', 'error', 'summary', 'tags', 'notes', 'sweep_id', 'deleted_at'])
      )
      expect(columns(db, 'scalars')).toEqual(['run_id', 'key', 'step', 'wall', 'value'])
      expect(columns(db, 'series')).toEqual(['run_id', 'key', 'step', 'payload'])
      expect(columns(db, 'artifacts')).toEqual(expect.arrayContaining(['run_id', 'name', 'kind', 'bytes']))
      expect(columns(db, 'datasets')).toEqual(expect.arrayContaining(['spec', 'provenance', 'shapes', 'checksum', 'x', 'y']))
      expect(columns(db, 'experiments')).toEqual(expect.arrayContaining(['name', 'study_id', 'config', 'notes', 'tags']))
    } finally {
      db.close()
    }
  })

  test('re-opening does not re-run migrations (data survives, no "table exists" error)', () => {
    const dir = tempDir()
    const store = openStore(dir)
    const e = store.experiments.create({ name: 'kept', studyId: 'training', config: { a: 1 } })
    store.close()
    // Migration 1 is plain CREATE TABLE: running it again would throw "table datasets already exists".
    const db = openDatabase(dir)
    expect(schemaVersion(db)).toBe(MIGRATIONS.length)
    db.close()
    const again = openStore(dir)
    try {
      expect(again.experiments.get(e.id)?.name).toBe('kept')
      expect(schemaVersion(again.db)).toBe(MIGRATIONS.length)
    } finally {
      again.close()
    }
  })

  test('only the missing migrations run, each with its version bump', () => {
    const dir = tempDir()
    openDatabase(dir).close()
    const extra = 'CREATE TABLE extra_one (x INTEGER);'
    const db = openDatabase(dir, [...MIGRATIONS, extra])
    try {
      expect(schemaVersion(db)).toBe(MIGRATIONS.length + 1)
      expect(tables(db)).toContain('extra_one')
    } finally {
      db.close()
    }
    // and once more: the extra migration is not applied twice (it would fail with "table already exists")
    openDatabase(dir, [...MIGRATIONS, extra]).close()
  })

  test('a database with a newer user_version is refused with a clear message', () => {
    const dir = tempDir()
    openDatabase(dir).close()
    const raw = new Database(join(dir, DB_FILE))
    raw.pragma(`user_version = ${MIGRATIONS.length + 5}`)
    raw.close()
    expect(() => openDatabase(dir)).toThrow(new RegExp(`schema version ${MIGRATIONS.length + 5} is newer than this lab supports \\(${MIGRATIONS.length}\\).*update the lab`))
    expect(() => openStore(dir)).toThrow(/newer than this lab supports/)
  })

  test('a failing migration leaves the version and schema as they were', () => {
    const dir = tempDir()
    openDatabase(dir).close()
    expect(() => openDatabase(dir, [...MIGRATIONS, 'CREATE TABLE half_done (x INTEGER); THIS IS NOT SQL;'])).toThrow()
    const raw = new Database(join(dir, DB_FILE))
    try {
      expect(raw.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length)
      expect(tables(raw)).not.toContain('half_done')
    } finally {
      raw.close()
    }
  })
})

describe('store: runs', () => {
  test('appendBatch writes scalars, series and progress together, in one transaction', () => {
    const store = openStore(tempDir())
    try {
      const e = store.experiments.create({ name: 'e', studyId: 'training', config: {} })
      const run = store.runs.create({ experimentId: e.id, name: 'r', studyId: 'training', config: {}, seed: 1 })
      store.runs.appendBatch(run.id, {
        scalars: [
          { key: 'train/loss', step: 0, wall: 1000, value: 0.7 },
          { key: 'train/loss', step: 10, wall: 1001, value: 0.5 },
          { key: 'test/accuracy', step: 10, wall: 1001, value: 0.9 },
          { key: 'weird', step: 11, wall: 1002, value: Infinity }
        ],
        series: [{ key: 'boundary', step: 10, payload: { nx: 2, cls: 'AA==' } }],
        progress: { fraction: 0.25, steps: 10, totalSteps: 40 }
      })
      expect(store.runs.scalars(run.id)).toEqual({
        'test/accuracy': { step: [10], value: [0.9], wall: [1001] },
        'train/loss': { step: [0, 10], value: [0.7, 0.5], wall: [1000, 1001] },
        weird: { step: [11], value: [NaN], wall: [1002] }
      })
      expect(store.runs.scalars(run.id, ['test/accuracy'])).toEqual({ 'test/accuracy': { step: [10], value: [0.9], wall: [1001] } })
      expect(store.runs.series(run.id, 'boundary')).toEqual({ step: 10, payload: { nx: 2, cls: 'AA==' } })
      expect(store.runs.seriesSteps(run.id, 'boundary')).toEqual([10])
      const r = store.runs.get(run.id)!
      expect([r.progress, r.steps, r.totalSteps]).toEqual([0.25, 10, 40])

      // A batch that fails half-way (a series payload that cannot be serialised) leaves nothing behind.
      const circular: any = {}
      circular.self = circular
      expect(() =>
        store.runs.appendBatch(run.id, {
          scalars: [{ key: 'train/loss', step: 20, wall: 1003, value: 0.1 }],
          series: [{ key: 'boundary', step: 20, payload: circular }],
          progress: { fraction: 0.5, steps: 20 }
        })
      ).toThrow()
      expect(store.runs.scalars(run.id, ['train/loss'])['train/loss'].step).toEqual([0, 10])
      expect(store.runs.seriesSteps(run.id, 'boundary')).toEqual([10])
      expect(store.runs.get(run.id)!.steps).toBe(10)
    } finally {
      store.close()
    }
  })

  test('soft delete hides runs and experiments; trash.empty removes them with their scalars and series', () => {
    const store = openStore(tempDir())
    try {
      const keep = store.experiments.create({ name: 'keep', studyId: 'training', config: {} })
      const gone = store.experiments.create({ name: 'gone', studyId: 'training', config: {} })
      const r1 = store.runs.create({ experimentId: keep.id, name: 'r1', studyId: 'training', config: {}, seed: 1 })
      const r2 = store.runs.create({ experimentId: keep.id, name: 'r2', studyId: 'training', config: {}, seed: 2 })
      const r3 = store.runs.create({ experimentId: gone.id, name: 'r3', studyId: 'training', config: {}, seed: 3 })
      for (const r of [r1, r2, r3]) {
        store.runs.appendBatch(r.id, { scalars: [{ key: 'k', step: 1, wall: 1, value: 1 }], series: [{ key: 's', step: 1, payload: [1] }] })
      }
      const count = (table: string, runId: string) => (store.db.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE run_id = ?`).get(runId) as { n: number }).n

      expect(store.runs.softDelete(r2.id)).toBe(true)
      expect(store.runs.softDelete(r2.id)).toBe(false)
      expect(store.runs.get(r2.id)).toBeUndefined()
      expect(store.runs.list().map((r) => r.id).sort()).toEqual([r1.id, r3.id].sort())
      expect(store.experiments.get(keep.id)!.runCount).toBe(1)
      // soft: the data is still there until the trash is emptied
      expect(count('scalars', r2.id)).toBe(1)

      expect(store.experiments.softDelete(gone.id)).toBe(true)
      expect(store.experiments.get(gone.id)).toBeUndefined()
      expect(store.experiments.list().map((e) => e.id)).toEqual([keep.id])
      expect(store.runs.get(r3.id)).toBeUndefined()

      expect(store.experiments.emptyTrash()).toEqual({ runs: 2, experiments: 1, datasets: 0 })
      for (const r of [r2, r3]) {
        expect(count('scalars', r.id)).toBe(0)
        expect(count('series', r.id)).toBe(0)
        expect(store.db.prepare('SELECT 1 FROM runs WHERE id = ?').get(r.id)).toBeUndefined()
      }
      expect(count('scalars', r1.id)).toBe(1)
      expect(store.runs.get(r1.id)?.name).toBe('r1')
      expect(store.experiments.emptyTrash()).toEqual({ runs: 0, experiments: 0, datasets: 0 })
    } finally {
      store.close()
    }
  })

  test('runs that share a creation time list in sweep-cell order, the newest launch first', () => {
    const store = openStore(tempDir())
    try {
      const mk = (name: string, createdAt: number, sweepIndex?: number) => store.runs.create({ experimentId: null, name, studyId: 'training', config: {}, seed: 1, createdAt, sweepIndex, sweepId: sweepIndex === undefined ? undefined : 's' })
      // inserted out of cell order, all at one time (as a sweep launch or a retry of several cells)
      for (const i of [3, 0, 2, 1]) mk(`cell ${i}`, 1000, i)
      mk('older', 999)
      mk('newer', 1001)
      expect(store.runs.list().map((r) => r.name)).toEqual(['newer', 'cell 0', 'cell 1', 'cell 2', 'cell 3', 'older'])
    } finally {
      store.close()
    }
  })

  test('seriesHistory: every step of one series (the latest entry of a step), at most max of them evenly spaced, the last kept', () => {
    const store = openStore(tempDir())
    try {
      const run = store.runs.create({ experimentId: null, name: 'h', studyId: 'training', config: {}, seed: 1 })
      for (let step = 0; step < 10; step++) store.runs.appendBatch(run.id, { series: [{ key: 'm', step, payload: { step } }, { key: 'other', step, payload: 'x' }] })
      store.runs.appendBatch(run.id, { series: [{ key: 'm', step: 4, payload: { step: 4, again: true } }] })
      const steps = (max: number) => store.runs.seriesHistory(run.id, 'm', max).map((p) => p.step)
      expect(store.runs.seriesHistory(run.id, 'm', 300)).toEqual(Array.from({ length: 10 }, (_, step) => ({ step, payload: step === 4 ? { step, again: true } : { step } })))
      expect(steps(10)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
      expect(steps(4)).toEqual([0, 3, 6, 9])
      expect(steps(3)).toEqual([0, 5, 9])
      expect(steps(1)).toEqual([9])
      expect(store.runs.seriesHistory(run.id, 'missing', 5)).toEqual([])
    } finally {
      store.close()
    }
  })

  test('recover: running runs of a dead owner become interrupted, queued ones are adopted, live owners are left alone', () => {
    const store = openStore(tempDir())
    try {
      const mk = (name: string, ownerPid: number) => store.runs.create({ experimentId: null, name, studyId: 'training', config: {}, seed: 1, ownerPid })
      const dead = 999_001
      const alive = 999_002
      const runningDead = mk('running-dead', dead)
      store.runs.markRunning(runningDead.id, 'wasm', 100)
      store.db.prepare('UPDATE runs SET owner_pid = ? WHERE id = ?').run(dead, runningDead.id)
      store.runs.appendBatch(runningDead.id, { scalars: [{ key: 'k', step: 3, wall: 1, value: 0.5 }] })
      const runningAlive = mk('running-alive', alive)
      store.runs.markRunning(runningAlive.id, 'wasm', 100)
      store.db.prepare('UPDATE runs SET owner_pid = ? WHERE id = ?').run(alive, runningAlive.id)
      const queuedDead = mk('queued-dead', dead)
      const queuedAlive = mk('queued-alive', alive)

      // An import cut off by its process (hidden, IMPORTING) and one still going in a live process.
      const imported = (pid: number) => {
        const id = store.runs.insertImported({ name: 'imp', studyId: 'training', config: {}, seed: 0, status: 'completed', backend: null, createdAt: 1, startedAt: null, finishedAt: null, error: null, summary: null, tags: [], notes: '', starred: false, archived: false, progress: 1, steps: 1, totalSteps: 1 })
        store.runs.appendBatch(id, { scalars: [{ key: 'k', step: 1, wall: 1, value: 1 }], series: [{ key: 's', step: 1, payload: 1 }] })
        store.db.prepare('UPDATE runs SET owner_pid = ? WHERE id = ?').run(pid, id)
        return id
      }
      const cutOff = imported(dead)
      const importing = imported(alive)
      expect(store.runs.get(cutOff)).toBeUndefined() // hidden while it imports

      // A process that runs only its own work recovers without adopting.
      const own = store.runs.recover(4242, (pid) => pid === alive, { adopt: false })
      expect(own).toEqual({ interrupted: [runningDead.id], adopted: [], abandonedImports: [cutOff] })
      expect(store.db.prepare('SELECT owner_pid FROM runs WHERE id = ?').get(queuedDead.id)).toEqual({ owner_pid: dead })
      const left = (id: string) => ['runs', 'scalars', 'series', 'run_metrics'].map((t) => (store.db.prepare(`SELECT COUNT(*) AS n FROM ${t} WHERE ${t === 'runs' ? 'id' : 'run_id'} = ?`).get(id) as { n: number }).n)
      expect(left(cutOff)).toEqual([0, 0, 0, 0])
      expect(left(importing)).toEqual([1, 1, 1, 1])

      const r = store.runs.recover(4242, (pid) => pid === alive)
      expect(r).toEqual({ interrupted: [], adopted: [queuedDead.id], abandonedImports: [] })
      const got = store.runs.get(runningDead.id)!
      expect(got.status).toBe('interrupted')
      expect(got.error).toMatch(/stopped while this run was training/)
      expect(got.finishedAt).toBeGreaterThan(0)
      expect(store.runs.scalars(runningDead.id)).toEqual({ k: { step: [3], value: [0.5], wall: [1] } })
      expect(store.runs.get(runningAlive.id)!.status).toBe('running')
      expect(store.runs.get(queuedAlive.id)!.status).toBe('queued')
      expect(store.db.prepare('SELECT owner_pid FROM runs WHERE id = ?').get(queuedDead.id)).toEqual({ owner_pid: 4242 })
    } finally {
      store.close()
    }
  })

  test('settings: defaults, then stored values', () => {
    const dir = tempDir()
    const store = openStore(dir)
    expect(store.settings.get()).toEqual({ backend: 'auto', concurrency: 1 })
    expect(store.settings.set({ backend: 'cpu' })).toEqual({ backend: 'cpu', concurrency: 1 })
    store.close()
    const again = openStore(dir)
    expect(again.settings.get()).toEqual({ backend: 'cpu', concurrency: 1 })
    again.close()
  })
})
