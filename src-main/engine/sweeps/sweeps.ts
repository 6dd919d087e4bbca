/**
 * Sweeps in the engine: expand a spec against its base config (every run validated before anything is
 * queued), create and queue the runs, and report a sweep with its runs and aggregate progress.
 * Cancel stops the sweep's queued and running runs; retry queues a new attempt of every failed,
 * interrupted or cancelled cell with the same config (the cell keeps its index and name).
 */
import { LabError, type EventName, type EventPayloads } from '../../../src-shared/contract'
import type { Run } from '../../../src-shared/records'
import { STUDY_LIST, completeConfig, findStudy, validateConfig } from '../../../src-shared/studies'
import {
  expandSweep,
  formatProblems,
  getPath,
  isRetryable,
  parseSweepSpec,
  sweepColumns,
  sweepProgress,
  sweepRunName,
  type Sweep,
  type SweepDetail,
  type SweepRunRow,
  type SweepSpec
} from '../../../src-shared/sweeps'
import type { JobQueue } from '../runs/queue'
import type { LabStore } from '../store'
import type { SweepRecord } from '../store/sweeps'

export interface SweepDeps {
  store: LabStore
  queue: JobQueue
  emit: <E extends EventName>(event: E, payload: EventPayloads[E]) => void
}

export class Sweeps {
  constructor(private readonly deps: SweepDeps) {}

  /** Validate, expand and queue. Throws LabError('bad-request') naming the field before anything is stored. */
  create(input: unknown): SweepDetail {
    const { store, queue, emit } = this.deps
    const parsed = parseSweepSpec(input)
    if (!parsed.ok) throw new LabError('bad-request', `invalid sweep: ${formatProblems(parsed.problems)}`)
    const spec = parsed.spec
    const base = this.resolveBase(spec)
    const expanded = expandSweep(spec, base.config, (c) => validateConfig(base.studyId, c))
    if (!expanded.ok) throw new LabError('bad-request', `invalid sweep: ${formatProblems(expanded.problems)}`)
    const name = spec.name ?? `${base.name} sweep`
    const { sweep, runs } = store.db.transaction(() => {
      let experimentId = base.experimentId
      let experimentName = base.name
      if (!experimentId) {
        experimentId = store.experiments.create({ name, studyId: base.studyId, config: base.config }).id
        experimentName = name
      }
      const sweep = store.sweeps.create({ name, experimentId, studyId: base.studyId, spec })
      // One creation time for the whole launch (the clock may tick between inserts): the runs list then
      // keeps them together, in cell order.
      const createdAt = sweep.createdAt
      const runs = expanded.cells.map((c) =>
        store.runs.create({ experimentId, name: sweepRunName(experimentName, c.name), studyId: base.studyId, config: c.config, seed: c.seed, sweepId: sweep.id, sweepIndex: c.index, createdAt })
      )
      return { sweep, runs }
    })()
    for (const r of runs) queue.enqueue(r.id)
    if (sweep.experimentId) emit('experiments.changed', { experimentId: sweep.experimentId })
    emit('runs.changed', { runId: null })
    emit('sweeps.changed', { sweepId: sweep.id })
    return this.get(sweep.id)
  }

  private resolveBase(spec: SweepSpec): { studyId: string; config: unknown; experimentId: string | null; name: string } {
    const b = spec.base
    if (typeof b === 'string' || 'experimentId' in b) {
      const id = typeof b === 'string' ? b : b.experimentId
      const e = this.deps.store.experiments.get(id)
      if (!e) throw new LabError('not-found', `invalid sweep: base: experiment ${id} not found`)
      return { studyId: e.studyId, config: e.config, experimentId: e.id, name: e.name }
    }
    const study = findStudy(b.study)
    if (!study) throw new LabError('bad-request', `invalid sweep: base.study: unknown study "${b.study}"; available: ${STUDY_LIST.map((s) => s.id).join(', ')}`)
    // Missing fields take the study's defaults; a base of an earlier config format is understood.
    const config = completeConfig(study.id, b.config)
    const v = validateConfig(b.study, config)
    if (!v.ok) throw new LabError('bad-request', `invalid sweep: ${v.problems.map((p) => `base.config.${p.path}: ${p.message}`).join('; ')}`)
    return { studyId: b.study, config: v.config, experimentId: null, name: study.title }
  }

  private require(id: string): SweepRecord {
    const s = this.deps.store.sweeps.get(id)
    if (!s) throw new LabError('not-found', `sweep ${id} not found`)
    return s
  }

  /** Every run of the sweep, grouped by cell: the latest attempt of each, with the attempt count. */
  private rows(sweep: SweepRecord): { rows: SweepRunRow[]; all: Run[] } {
    const { store } = this.deps
    const columns = sweepColumns(sweep.spec)
    const byCell = new Map<number, { run: Run; attempts: number }>()
    const all: Run[] = []
    for (const { run, index } of store.runs.bySweep(sweep.id)) {
      all.push(run)
      const prev = byCell.get(index)
      byCell.set(index, { run, attempts: (prev?.attempts ?? 0) + 1 })
    }
    const rows = [...byCell.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([index, { run, attempts }]) => {
        const { config, ...rest } = run
        const values: Record<string, unknown> = {}
        for (const c of columns) values[c] = getPath(config, c.replace(/\*/g, '0'))
        return { index, values, attempts, run: rest }
      })
    return { rows, all }
  }

  private toSweep(s: SweepRecord, rows: SweepRunRow[]): Sweep {
    return { ...s, columns: sweepColumns(s.spec), progress: sweepProgress(rows.map((r) => r.run)) }
  }

  list(): Sweep[] {
    return this.deps.store.sweeps.list().map((s) => this.toSweep(s, this.rows(s).rows))
  }

  get(id: string): SweepDetail {
    const s = this.require(id)
    const { rows } = this.rows(s)
    return { ...this.toSweep(s, rows), runs: rows }
  }

  /** Cancel every queued and running run of the sweep (in this engine). */
  cancel(id: string): SweepDetail {
    const s = this.require(id)
    const { queue, emit } = this.deps
    const { all } = this.rows(s)
    // Waiting ones first, so none of them starts in a slot freed by a cancelled running one.
    for (const r of all.filter((r) => r.status === 'queued')) queue.cancel(r.id)
    for (const r of all.filter((r) => r.status === 'running')) queue.cancel(r.id)
    emit('sweeps.changed', { sweepId: id })
    return this.get(id)
  }

  /** Queue a new run, same config and name, for every cell whose latest attempt failed, was interrupted or cancelled. */
  retryFailed(id: string): SweepDetail {
    const s = this.require(id)
    const { store, queue, emit } = this.deps
    const { rows } = this.rows(s)
    const again = rows.filter((r) => isRetryable(r.run.status))
    const createdAt = Date.now()
    const created = store.db.transaction(() =>
      again.map((r) => {
        const old = store.runs.get(r.run.id)!
        return store.runs.create({ experimentId: old.experimentId, name: old.name, studyId: old.studyId, config: old.config, seed: old.seed, sweepId: s.id, sweepIndex: r.index, createdAt })
      })
    )()
    for (const r of created) queue.enqueue(r.id)
    if (created.length) emit('runs.changed', { runId: null })
    emit('sweeps.changed', { sweepId: id })
    return this.get(id)
  }

  /** Run status changes of sweep runs become `sweeps.changed` (the sweeps list and page listen to it). */
  onRunStatus(runId: string): void {
    const sweepId = this.deps.store.sweeps.sweepOf(runId)
    if (sweepId) this.deps.emit('sweeps.changed', { sweepId })
  }
}
