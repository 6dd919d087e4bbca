/**
 * Schema migrations, applied in order by `PRAGMA user_version`. Never edit a shipped migration:
 * append a new one. Each runs in its own transaction together with the version bump; a migration is SQL, or a
 * function for what SQL cannot do (rewriting configs with the studies' own upgrade functions).
 */
import { STUDY_LIST, upgradeConfig } from '../../../src-shared/studies'
import type { Db } from './database'

export type Migration = string | ((db: Db) => void)

/**
 * 4: the trainer — configs discriminated by kind (a stored config holds exactly what its run used; see each
 * study's `upgrade`), probe keys renamed to start with the probe's id, and the versions a run ran with.
 */
function discriminatedConfigs(db: Db): void {
  db.exec('ALTER TABLE runs ADD COLUMN environment TEXT')
  const rewrite = (table: 'experiments' | 'runs') => {
    const update = db.prepare(`UPDATE ${table} SET config = ? WHERE id = ?`)
    for (const row of db.prepare(`SELECT id, study_id AS studyId, config FROM ${table}`).all() as { id: string; studyId: string; config: string }[]) {
      let config: unknown
      try {
        config = JSON.parse(row.config)
      } catch {
        continue // left as it is: validation reports it when the experiment is opened
      }
      const next = JSON.stringify(upgradeConfig(row.studyId, config))
      if (next !== row.config) update.run(next, row.id)
    }
  }
  rewrite('experiments')
  rewrite('runs')
  for (const study of STUDY_LIST) {
    for (const [from, to] of Object.entries(study.renamedKeys ?? {})) {
      const runs = 'SELECT id FROM runs WHERE study_id = ?'
      db.prepare(`UPDATE scalars SET key = ? WHERE key = ? AND run_id IN (${runs})`).run(to, from, study.id)
      db.prepare(`UPDATE series SET key = ? WHERE key = ? AND run_id IN (${runs})`).run(to, from, study.id)
      db.prepare(`UPDATE run_metrics SET key = ? WHERE key = ? AND run_id IN (${runs})`).run(to, from, study.id)
    }
  }
}

export const MIGRATIONS: Migration[] = [
  // 1: the tables of the design
  `
  CREATE TABLE datasets (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    spec TEXT NOT NULL,
    provenance TEXT NOT NULL DEFAULT '{}',
    shapes TEXT NOT NULL DEFAULT '{}',
    checksum TEXT,
    x BLOB,
    y BLOB,
    created_at INTEGER NOT NULL,
    deleted_at INTEGER
  );
  CREATE TABLE experiments (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    study_id TEXT NOT NULL,
    config TEXT NOT NULL,
    notes TEXT NOT NULL DEFAULT '',
    tags TEXT NOT NULL DEFAULT '[]',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    deleted_at INTEGER
  );
  CREATE TABLE runs (
    id TEXT PRIMARY KEY,
    experiment_id TEXT REFERENCES experiments(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    study_id TEXT NOT NULL,
    config TEXT NOT NULL,
    seed INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('queued','running','completed','failed','cancelled','interrupted')),
    backend TEXT,
    created_at INTEGER NOT NULL,
    started_at INTEGER,
    finished_at INTEGER,
    error TEXT,
    summary TEXT,
    tags TEXT NOT NULL DEFAULT '[]',
    notes TEXT NOT NULL DEFAULT '',
    sweep_id TEXT,
    progress REAL NOT NULL DEFAULT 0,
    steps INTEGER NOT NULL DEFAULT 0,
    total_steps INTEGER NOT NULL DEFAULT 0,
    -- pid of the process that queued or runs it: start-up recovery only touches runs whose owner is gone
    owner_pid INTEGER,
    deleted_at INTEGER
  );
  CREATE INDEX runs_experiment ON runs(experiment_id);
  CREATE INDEX runs_status ON runs(status);
  CREATE TABLE scalars (
    run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    step INTEGER NOT NULL,
    wall REAL NOT NULL,
    value REAL
  );
  CREATE INDEX scalars_run_key_step ON scalars(run_id, key, step);
  CREATE TABLE series (
    run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    step INTEGER NOT NULL,
    payload TEXT NOT NULL
  );
  CREATE INDEX series_run_key_step ON series(run_id, key, step);
  CREATE TABLE artifacts (
    run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    bytes BLOB NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (run_id, name)
  );
  CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );
  `,
  // 2: sweeps — a launch of many runs over swept config fields and seeds; runs point at it by sweep_id,
  // and sweep_index says which cell of the expansion a run is (a retry of a cell keeps its index).
  `
  CREATE TABLE sweeps (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    experiment_id TEXT REFERENCES experiments(id) ON DELETE SET NULL,
    study_id TEXT NOT NULL,
    spec TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    deleted_at INTEGER
  );
  ALTER TABLE runs ADD COLUMN sweep_index INTEGER;
  CREATE INDEX runs_sweep ON runs(sweep_id, sweep_index);
  `,
  // 3: compare — star/archive flags on runs; per run and scalar key the last/min/max stats, kept current by
  // every write so the runs table never scans curves (backfilled here from the scalars already stored);
  // saved compare layouts.
  `
  ALTER TABLE runs ADD COLUMN starred INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE runs ADD COLUMN archived INTEGER NOT NULL DEFAULT 0;
  CREATE TABLE run_metrics (
    run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    -- value at the greatest step (the latest write on a tie); NULL when that value was not finite
    last REAL,
    last_step INTEGER NOT NULL,
    -- over finite values only: NULL while the key has none
    min REAL,
    min_step INTEGER,
    max REAL,
    max_step INTEGER,
    count INTEGER NOT NULL,
    PRIMARY KEY (run_id, key)
  ) WITHOUT ROWID;
  INSERT INTO run_metrics (run_id, key, last, last_step, min, min_step, max, max_step, count)
  SELECT g.run_id, g.key,
    (SELECT s.value FROM scalars s WHERE s.run_id = g.run_id AND s.key = g.key ORDER BY s.step DESC, s.rowid DESC LIMIT 1),
    g.last_step,
    g.min,
    (SELECT s.step FROM scalars s WHERE s.run_id = g.run_id AND s.key = g.key AND s.value = g.min ORDER BY s.rowid LIMIT 1),
    g.max,
    (SELECT s.step FROM scalars s WHERE s.run_id = g.run_id AND s.key = g.key AND s.value = g.max ORDER BY s.rowid LIMIT 1),
    g.count
  FROM (
    SELECT run_id, key, MAX(step) AS last_step, MIN(value) AS min, MAX(value) AS max, COUNT(*) AS count
    FROM scalars WHERE run_id IN (SELECT id FROM runs) GROUP BY run_id, key
  ) g;
  CREATE TABLE compare_layouts (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    state TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  `,
  discriminatedConfigs,
  // 5: collections of sampled binary-weight configurations (the effective-model study): one row per independent
  // trial, rejected trials too (so a resumed collection never retrains them), the spins bit-packed. Keyed by
  // (collection, trial) so a trial delivered twice is stored once. Not tied to a run by a foreign key: deleting
  // the run that sampled them keeps the collection for the fits that reuse it.
  `
  CREATE TABLE weight_collections (
    id TEXT PRIMARY KEY,
    scenario TEXT NOT NULL,
    spec TEXT NOT NULL,
    spins INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    created_by_run TEXT
  );
  CREATE TABLE weight_samples (
    collection_id TEXT NOT NULL REFERENCES weight_collections(id) ON DELETE CASCADE,
    trial INTEGER NOT NULL,
    accepted INTEGER NOT NULL,
    test_accuracy REAL NOT NULL,
    train_accuracy REAL,
    seconds REAL,
    bits BLOB NOT NULL,
    run_id TEXT,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (collection_id, trial)
  ) WITHOUT ROWID;
  `
]
