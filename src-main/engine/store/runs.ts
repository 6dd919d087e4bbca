import { randomUUID } from 'node:crypto'
import type { ArtifactInfo, Run, RunEnvironment, RunStatus, RunSummary, RunTable, ScalarSeries } from '../../../src-shared/records'
import { pacedWrite, type Db } from './database'
import type { PackedSeries } from '../../../src-shared/compare/packed'
import { RunMetrics } from './runMetrics'

interface RunRow {
  id: string
  experiment_id: string | null
  name: string
  study_id: string
  config: string
  seed: number
  status: RunStatus
  backend: string | null
  created_at: number
  started_at: number | null
  finished_at: number | null
  error: string | null
  summary: string | null
  tags: string
  notes: string
  sweep_id: string | null
  starred: number
  archived: number
  progress: number
  steps: number
  total_steps: number
  environment?: string | null
}

function toRun(r: RunRow): Run {
  return {
    id: r.id,
    experimentId: r.experiment_id,
    name: r.name,
    studyId: r.study_id,
    config: JSON.parse(r.config),
    seed: r.seed,
    status: r.status,
    backend: r.backend,
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    error: r.error,
    summary: r.summary ? (JSON.parse(r.summary) as RunSummary) : null,
    tags: JSON.parse(r.tags),
    notes: r.notes,
    sweepId: r.sweep_id,
    starred: r.starred === 1,
    archived: r.archived === 1,
    progress: r.progress,
    steps: r.steps,
    totalSteps: r.total_steps,
    environment: r.environment ? (JSON.parse(r.environment) as RunEnvironment) : null
  }
}

export interface ScalarPoint {
  key: string
  step: number
  wall: number
  value: number
}

export interface ArtifactEntry {
  name: string
  kind: string
  bytes: Uint8Array
}

export interface SeriesEntry {
  key: string
  step: number
  payload: unknown
  /** The payload already serialised (the queue measures it before storing); default JSON.stringify(payload). */
  json?: string
}

/**
 * `deleted_at` of a run being imported: hidden like a run in the trash, but not in the trash (emptying it
 * leaves the import alone). The last chunk of the import sets it to NULL; a failed import purges the run,
 * and an import cut off by a crash is purged by the next start-up's recovery (owner_pid is the importer).
 */
export const IMPORTING = 0

/** Rows per delete transaction when a run's data is removed (each well under the busy timeout). */
const PURGE_CHUNK = { scalars: 5000, series: 16, artifacts: 4 }

/**
 * Delete a run and everything it stored in short transactions: one DELETE of a big run's rows would hold
 * the write lock for seconds, and another process's write would fail with SQLITE_BUSY meanwhile.
 */
export function purgeRun(db: Db, id: string): void {
  for (const table of ['scalars', 'series', 'artifacts'] as const) {
    const del = db.prepare(`DELETE FROM ${table} WHERE rowid IN (SELECT rowid FROM ${table} WHERE run_id = ? LIMIT ?)`)
    while (pacedWrite(() => del.run(id, PURGE_CHUNK[table]).changes) > 0);
  }
  db.transaction(() => {
    db.prepare('DELETE FROM run_metrics WHERE run_id = ?').run(id)
    db.prepare('DELETE FROM runs WHERE id = ?').run(id)
  })()
}

/** What `update` may change; tags are trimmed and de-duplicated (first occurrence kept). */
export interface RunPatch {
  name?: string
  tags?: string[]
  notes?: string
  starred?: boolean
  archived?: boolean
}

/** A finished run brought in from elsewhere (import): every stored field, with no experiment or sweep. */
export interface ImportedRun {
  name: string
  studyId: string
  config: unknown
  seed: number
  status: Exclude<RunStatus, 'queued' | 'running'>
  backend: string | null
  createdAt: number
  startedAt: number | null
  finishedAt: number | null
  error: string | null
  summary: unknown
  tags: string[]
  notes: string
  starred: boolean
  archived: boolean
  progress: number
  steps: number
  totalSteps: number
}

const uniqueTags = (tags: string[]) => [...new Set(tags.map((t) => t.trim()).filter(Boolean))]

/** Runs and the time series they log. Metric writes come in batches, each batch one transaction. */
export class RunStore {
  private readonly insertScalar
  private readonly insertSeries
  private readonly selectKeys
  private readonly selectKeyPoints
  readonly metrics: RunMetrics

  constructor(private readonly db: Db) {
    this.metrics = new RunMetrics(db)
    this.selectKeys = db.prepare('SELECT key FROM run_metrics WHERE run_id = ? ORDER BY key')
    this.selectKeyPoints = db.prepare('SELECT step, wall, value FROM scalars WHERE run_id = ? AND key = ? ORDER BY step, rowid')
    this.insertScalar = db.prepare('INSERT INTO scalars (run_id, key, step, wall, value) VALUES (?, ?, ?, ?, ?)')
    this.insertSeries = db.prepare('INSERT INTO series (run_id, key, step, payload) VALUES (?, ?, ?, ?)')
  }

  create(r: { experimentId: string | null; name: string; studyId: string; config: unknown; seed: number; sweepId?: string; sweepIndex?: number; ownerPid?: number; createdAt?: number }): Run {
    const id = randomUUID()
    this.db
      .prepare(
        `INSERT INTO runs (id, experiment_id, name, study_id, config, seed, status, created_at, sweep_id, sweep_index, owner_pid)
         VALUES (?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?, ?)`
      )
      .run(id, r.experimentId, r.name, r.studyId, JSON.stringify(r.config), r.seed, r.createdAt ?? Date.now(), r.sweepId ?? null, r.sweepIndex ?? null, r.ownerPid ?? process.pid)
    return this.get(id)!
  }

  get(id: string): Run | undefined {
    const row = this.db.prepare('SELECT * FROM runs WHERE id = ? AND deleted_at IS NULL').get(id) as RunRow | undefined
    return row && toRun(row)
  }

  list(filter: { experimentId?: string } = {}): Run[] {
    // Newest first; a sweep's runs share one creation time, so ties go by cell, then by insertion.
    const order = 'ORDER BY created_at DESC, sweep_index, rowid DESC'
    const rows = filter.experimentId
      ? this.db.prepare(`SELECT * FROM runs WHERE experiment_id = ? AND deleted_at IS NULL ${order}`).all(filter.experimentId)
      : this.db.prepare(`SELECT * FROM runs WHERE deleted_at IS NULL ${order}`).all()
    return (rows as RunRow[]).map(toRun)
  }

  /** The runs of a sweep with their cell index, oldest first (the last run of a cell is its latest attempt). */
  bySweep(sweepId: string): { run: Run; index: number }[] {
    const rows = this.db.prepare('SELECT * FROM runs WHERE sweep_id = ? AND deleted_at IS NULL ORDER BY created_at, rowid').all(sweepId) as (RunRow & { sweep_index: number | null })[]
    return rows.map((r, i) => ({ run: toRun(r), index: r.sweep_index ?? i }))
  }

  countByExperiment(experimentId: string): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM runs WHERE experiment_id = ?').get(experimentId) as { n: number }).n
  }

  markRunning(id: string, backend: string, totalSteps: number): void {
    // A resumed run keeps its first start time.
    this.db
      .prepare("UPDATE runs SET status = 'running', backend = ?, started_at = COALESCE(started_at, ?), total_steps = CASE WHEN ? > 0 THEN ? ELSE total_steps END, owner_pid = ? WHERE id = ?")
      .run(backend, Date.now(), totalSteps, totalSteps, process.pid, id)
  }

  /** The versions a run ran with (app, tfjs, backend, Node), recorded when its worker starts it. */
  setEnvironment(id: string, env: RunEnvironment): void {
    this.db.prepare('UPDATE runs SET environment = ? WHERE id = ?').run(JSON.stringify(env), id)
  }

  /**
   * Put a stopped run back in the queue to continue from its checkpoint at `step`: everything it logged after
   * that step is removed (the resumed run logs it again), its metric stats are recomputed, and it is queued
   * under this process — all in one transaction.
   */
  prepareResume(id: string, step: number): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM scalars WHERE run_id = ? AND step > ?').run(id, step)
      this.db.prepare('DELETE FROM series WHERE run_id = ? AND step > ?').run(id, step)
      this.metrics.rebuild(id)
      this.db
        .prepare(
          "UPDATE runs SET status = 'queued', error = NULL, finished_at = NULL, summary = NULL, steps = ?, progress = CASE WHEN total_steps > 0 THEN CAST(? AS REAL) / total_steps ELSE 0 END, owner_pid = ? WHERE id = ?"
        )
        .run(step, step, process.pid, id)
    })()
  }

  finish(id: string, status: Exclude<RunStatus, 'queued' | 'running'>, fields: { error?: string | null; summary?: RunSummary | null } = {}): void {
    this.db
      .prepare('UPDATE runs SET status = ?, finished_at = ?, error = COALESCE(?, error), summary = COALESCE(?, summary) WHERE id = ?')
      .run(status, Date.now(), fields.error ?? null, fields.summary ? JSON.stringify(fields.summary) : null, id)
  }

  rename(id: string, name: string): void {
    this.db.prepare('UPDATE runs SET name = ? WHERE id = ?').run(name, id)
  }

  /** Change what the user organises a run by; undefined when the run does not exist (or is in the trash). */
  update(id: string, patch: RunPatch): Run | undefined {
    const sets: string[] = []
    const args: unknown[] = []
    if (patch.name !== undefined) (sets.push('name = ?'), args.push(patch.name))
    if (patch.tags !== undefined) (sets.push('tags = ?'), args.push(JSON.stringify(uniqueTags(patch.tags))))
    if (patch.notes !== undefined) (sets.push('notes = ?'), args.push(patch.notes))
    if (patch.starred !== undefined) (sets.push('starred = ?'), args.push(patch.starred ? 1 : 0))
    if (patch.archived !== undefined) (sets.push('archived = ?'), args.push(patch.archived ? 1 : 0))
    if (sets.length) this.db.prepare(`UPDATE runs SET ${sets.join(', ')} WHERE id = ? AND deleted_at IS NULL`).run(...args, id)
    return this.get(id)
  }

  /** The runs table: every run not in the trash (archived included), newest first, and their metric stats. */
  table(): RunTable {
    return { runs: this.list(), metrics: this.metrics.all() }
  }

  /**
   * Insert an imported run as a new row (new id, no experiment, no sweep), hidden (IMPORTING) until
   * `reveal`: its data goes in with appendBatch, in as many transactions as it takes.
   */
  insertImported(r: ImportedRun): string {
    const id = randomUUID()
    this.db
      .prepare(
        `INSERT INTO runs (id, experiment_id, name, study_id, config, seed, status, backend, created_at, started_at, finished_at, error, summary,
           tags, notes, starred, archived, progress, steps, total_steps, owner_pid, deleted_at)
         VALUES (?, NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ${IMPORTING})`
      )
      .run(
        id,
        r.name,
        r.studyId,
        JSON.stringify(r.config ?? null),
        r.seed,
        r.status,
        r.backend,
        r.createdAt,
        r.startedAt,
        r.finishedAt,
        r.error,
        r.summary == null ? null : JSON.stringify(r.summary),
        JSON.stringify(uniqueTags(r.tags)),
        r.notes,
        r.starred ? 1 : 0,
        r.archived ? 1 : 0,
        r.progress,
        r.steps,
        r.totalSteps,
        process.pid
      )
    return id
  }

  /** The end of an import: the run appears, with the step count of what was imported. */
  reveal(id: string, steps: number): void {
    this.db.prepare(`UPDATE runs SET deleted_at = NULL, steps = ?, total_steps = ? WHERE id = ? AND deleted_at = ${IMPORTING}`).run(steps, steps, id)
  }

  /** Remove a run and all its data for good, in short transactions (see purgeRun). */
  purge(id: string): void {
    purgeRun(this.db, id)
  }

  softDelete(id: string): boolean {
    return this.db.prepare('UPDATE runs SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL').run(Date.now(), id).changes > 0
  }

  /**
   * Append one batch of a run's output in a single transaction: scalars, series and progress together,
   * so after a crash the store holds whole batches only.
   */
  appendBatch(
    runId: string,
    batch: { scalars?: ScalarPoint[]; series?: SeriesEntry[]; artifacts?: ArtifactEntry[]; progress?: { fraction: number; steps: number; totalSteps?: number } }
  ): void {
    this.db.transaction(() => {
      for (const p of batch.scalars ?? []) {
        this.insertScalar.run(runId, p.key, p.step, p.wall, Number.isFinite(p.value) ? p.value : null)
      }
      if (batch.scalars?.length) this.metrics.add(runId, batch.scalars)
      for (const s of batch.series ?? []) this.insertSeries.run(runId, s.key, s.step, s.json ?? JSON.stringify(s.payload))
      for (const a of batch.artifacts ?? []) {
        this.db
          .prepare('INSERT OR REPLACE INTO artifacts (run_id, name, kind, bytes, created_at) VALUES (?, ?, ?, ?, ?)')
          .run(runId, a.name, a.kind, Buffer.from(a.bytes.buffer, a.bytes.byteOffset, a.bytes.byteLength), Date.now())
      }
      if (batch.progress) {
        this.db
          .prepare('UPDATE runs SET progress = ?, steps = ?, total_steps = COALESCE(?, total_steps) WHERE id = ?')
          .run(batch.progress.fraction, batch.progress.steps, batch.progress.totalSteps ?? null, runId)
      }
    })()
  }

  artifacts(runId: string): ArtifactInfo[] {
    return this.db
      .prepare('SELECT name, kind, length(bytes) AS size, created_at AS createdAt FROM artifacts WHERE run_id = ? ORDER BY name')
      .all(runId) as ArtifactInfo[]
  }

  artifact(runId: string, name: string): { name: string; kind: string; bytes: Buffer } | undefined {
    return this.db.prepare('SELECT name, kind, bytes FROM artifacts WHERE run_id = ? AND name = ?').get(runId, name) as
      | { name: string; kind: string; bytes: Buffer }
      | undefined
  }

  appendScalars(runId: string, points: ScalarPoint[]): void {
    this.appendBatch(runId, { scalars: points })
  }

  /**
   * All points of the given keys (all keys if none given), ordered by step. Non-finite values come back as
   * NaN. One indexed query per key without the key column: the compare view loads millions of points.
   */
  scalars(runId: string, keys?: string[]): Record<string, ScalarSeries> {
    // run_metrics lists a run's keys (kept in the same transaction as every scalar write).
    const wanted = keys && keys.length ? [...new Set(keys)].sort() : (this.selectKeys.raw().all(runId) as [string][]).map((r) => r[0])
    const out: Record<string, ScalarSeries> = {}
    for (const key of wanted) {
      const rows = this.selectKeyPoints.raw().all(runId, key) as [number, number, number | null][]
      if (!rows.length) continue
      const step = new Array<number>(rows.length)
      const wall = new Array<number>(rows.length)
      const value = new Array<number>(rows.length)
      for (let i = 0; i < rows.length; i++) {
        const r = rows[i]
        step[i] = r[0]
        wall[i] = r[1]
        value[i] = r[2] ?? NaN
      }
      out[key] = { step, value, wall }
    }
    return out
  }

  /**
   * Full-resolution scalars of many runs in one call and one read transaction (a consistent snapshot), by
   * run id by key (all keys if none given). Runs that do not exist or are in the trash are absent.
   * One indexed query per run: a single IN-query over all runs needs a sort of every row and measured
   * 3.5× slower (50 runs × 30 000 points: 3.1 s against 0.9 s).
   */
  scalarsMany(ids: string[], keys?: string[]): Record<string, Record<string, ScalarSeries>> {
    return this.db.transaction(() => {
      const live = this.db.prepare('SELECT id FROM runs WHERE id IN (SELECT value FROM json_each(?)) AND deleted_at IS NULL').raw().all(JSON.stringify(ids)) as [string][]
      const out: Record<string, Record<string, ScalarSeries>> = {}
      for (const [id] of live) out[id] = this.scalars(id, keys)
      return out
    })()
  }

  /** scalarsMany with each column as base64 of a Float64Array (see src-shared/compare/packed.ts for why). */
  scalarsPacked(ids: string[], keys?: string[]): Record<string, Record<string, PackedSeries>> {
    const pack = (a: number[]) => Buffer.from(Float64Array.from(a).buffer).toString('base64')
    const out: Record<string, Record<string, PackedSeries>> = {}
    for (const [id, perKey] of Object.entries(this.scalarsMany(ids, keys))) {
      out[id] = {}
      for (const [key, s] of Object.entries(perKey)) out[id][key] = { n: s.step.length, step: pack(s.step), wall: pack(s.wall), value: pack(s.value) }
    }
    return out
  }

  /** The scalar keys a run logged, sorted. */
  scalarKeys(runId: string): string[] {
    return (this.selectKeys.raw().all(runId) as [string][]).map((r) => r[0])
  }

  /** A run's series rows one at a time, by key then step, the payload as the JSON text it is stored as (streaming export). */
  seriesRows(runId: string): IterableIterator<[key: string, step: number, payload: string]> {
    return this.db.prepare('SELECT key, step, payload FROM series WHERE run_id = ? ORDER BY key, step, rowid').raw().iterate(runId) as IterableIterator<[string, number, string]>
  }

  /** A run's artifacts one at a time, by name (streaming export). */
  artifactRows(runId: string): IterableIterator<{ name: string; kind: string; bytes: Buffer }> {
    return this.db.prepare('SELECT name, kind, bytes FROM artifacts WHERE run_id = ? ORDER BY name').iterate(runId) as IterableIterator<{ name: string; kind: string; bytes: Buffer }>
  }

  /** Roughly how many bytes a run's export document takes (series text, artifacts as base64, ≈ 60 bytes a point). */
  exportSize(runId: string): number {
    const q = (sql: string) => (this.db.prepare(sql).pluck().get(runId) as number | null) ?? 0
    return q('SELECT SUM(length(CAST(payload AS BLOB))) FROM series WHERE run_id = ?') + (q('SELECT SUM(length(bytes)) FROM artifacts WHERE run_id = ?') * 4) / 3 + q('SELECT SUM(count) FROM run_metrics WHERE run_id = ?') * 60
  }

  /** The series entry at `step`, or the latest one when no step is given. */
  series(runId: string, key: string, step?: number): { step: number; payload: unknown } | null {
    const row = (
      step === undefined
        ? this.db.prepare('SELECT step, payload FROM series WHERE run_id = ? AND key = ? ORDER BY step DESC, rowid DESC LIMIT 1').get(runId, key)
        : this.db.prepare('SELECT step, payload FROM series WHERE run_id = ? AND key = ? AND step <= ? ORDER BY step DESC, rowid DESC LIMIT 1').get(runId, key, step)
    ) as { step: number; payload: string } | undefined
    return row ? { step: row.step, payload: JSON.parse(row.payload) } : null
  }

  /** Every step's payload of a series (the latest per step), at most `max` of them evenly spaced, the last kept. */
  seriesHistory(runId: string, key: string, max: number): { step: number; payload: unknown }[] {
    const steps = this.seriesSteps(runId, key)
    const kept = steps.length <= max ? steps : max === 1 ? [steps[steps.length - 1]] : Array.from({ length: max }, (_, i) => steps[Math.round((i * (steps.length - 1)) / (max - 1))])
    // Only the kept steps' payloads are read: 300 of a series of thousands of snapshots, not all of them.
    const rows = this.db
      .prepare('SELECT step, payload FROM series WHERE run_id = ? AND key = ? AND step IN (SELECT value FROM json_each(?)) ORDER BY step, rowid')
      .raw()
      .all(runId, key, JSON.stringify(kept)) as [number, string][]
    const byStep = new Map<number, string>()
    for (const [step, payload] of rows) byStep.set(step, payload)
    return [...byStep.entries()].map(([step, payload]) => ({ step, payload: JSON.parse(payload) }))
  }

  /** Every series key the run has logged. */
  seriesKeys(runId: string): string[] {
    return (this.db.prepare('SELECT DISTINCT key FROM series WHERE run_id = ? ORDER BY key').raw().all(runId) as [string][]).map((r) => r[0])
  }

  seriesSteps(runId: string, key: string): number[] {
    return (this.db.prepare('SELECT DISTINCT step FROM series WHERE run_id = ? AND key = ? ORDER BY step').raw().all(runId, key) as [number][]).map((r) => r[0])
  }

  /**
   * Start-up recovery. Runs left `running` by a process that is gone were cut off: they become
   * `interrupted`, keeping every batch they flushed. Runs left `queued` by a gone process are adopted
   * by `ownerPid` and returned, to be queued again — unless `adopt` is false (a process whose queue is its
   * own work only, like the CLI's run and sweep). Imports cut off by a crash are removed. Runs of live
   * processes (a CLI run beside the app) are left alone.
   */
  recover(ownerPid: number, isAlive: (pid: number) => boolean, opts: { adopt?: boolean } = {}): { interrupted: string[]; adopted: string[]; abandonedImports: string[] } {
    const gone = (r: { owner_pid: number | null }) => r.owner_pid == null || (r.owner_pid !== ownerPid && !isAlive(r.owner_pid))
    const state = this.db.transaction(() => {
      const orphaned = (status: string) =>
        (this.db.prepare('SELECT id, owner_pid FROM runs WHERE status = ? AND deleted_at IS NOT ? ORDER BY created_at, sweep_index, rowid').all(status, IMPORTING) as { id: string; owner_pid: number | null }[])
          .filter(gone)
          .map((r) => r.id)
      const interrupted = orphaned('running')
      const markInterrupted = this.db.prepare(
        "UPDATE runs SET status = 'interrupted', finished_at = ?, error = COALESCE(error, 'the engine stopped while this run was training') WHERE id = ?"
      )
      for (const id of interrupted) markInterrupted.run(Date.now(), id)
      let adopted: string[] = []
      if (opts.adopt !== false) {
        adopted = orphaned('queued')
        const adopt = this.db.prepare('UPDATE runs SET owner_pid = ? WHERE id = ?')
        for (const id of adopted) adopt.run(ownerPid, id)
      }
      const abandonedImports = (this.db.prepare(`SELECT id, owner_pid FROM runs WHERE deleted_at = ${IMPORTING}`).all() as { id: string; owner_pid: number | null }[]).filter(gone).map((r) => r.id)
      return { interrupted, adopted: adopted.filter((id) => this.get(id)), abandonedImports }
    })()
    // An import cut off by a crash: its rows go, a chunk at a time (outside the recovery transaction).
    for (const id of state.abandonedImports) this.purge(id)
    return state
  }
}
