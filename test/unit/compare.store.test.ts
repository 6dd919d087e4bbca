/** Store and engine side of "compare runs": migration 3, metric stats, run organising, the runs table, scalarsMany, layouts. */
import { afterAll, describe, expect, test } from 'vitest'
import { openDatabase } from '../../src-main/engine/store/database'
import { MIGRATIONS } from '../../src-main/engine/store/migrations'
import { openStore, type LabStore } from '../../src-main/engine/store'
import { Lab } from '../../src-main/engine/lab'
import type { MetricStats } from '../../src-shared/records'
import { defaultCompareState } from '../../src-shared/compare/state'
import { unpackFloat64 } from '../../src-shared/compare/packed'
import { TEST_ENV, TINY, WORKER_URL, cleanupTempDirs, tempDir } from './helpers'

afterAll(cleanupTempDirs)

type Point = { key: string; step: number; wall: number; value: number }

/** The stats recomputed from the raw points, by the definition (last = greatest step, later wins a tie; min/max over finite values, first wins). */
function statsByDefinition(points: Point[]): Record<string, MetricStats> {
  const out: Record<string, MetricStats> = {}
  for (const key of new Set(points.map((p) => p.key))) {
    const ps = points.filter((p) => p.key === key)
    let last = ps[0]
    for (const p of ps) if (p.step >= last.step) last = p
    const finite = ps.filter((p) => Number.isFinite(p.value))
    const min = finite.reduce<Point | null>((m, p) => (m === null || p.value < m.value ? p : m), null)
    const max = finite.reduce<Point | null>((m, p) => (m === null || p.value > m.value ? p : m), null)
    out[key] = {
      last: Number.isFinite(last.value) ? last.value : NaN,
      lastStep: last.step,
      min: min?.value ?? NaN,
      minStep: min?.step ?? NaN,
      max: max?.value ?? NaN,
      maxStep: max?.step ?? NaN,
      count: ps.length
    }
  }
  return out
}

/** A deterministic pseudo-random curve set with NaN/Infinity, repeated steps and out-of-order batches. */
function messyPoints(seed: number): Point[] {
  let s = seed
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)
  const points: Point[] = []
  for (let i = 0; i < 200; i++) {
    const key = ['loss', 'acc', 'lr'][Math.floor(rnd() * 3)]
    const r = rnd()
    const value = r < 0.05 ? NaN : r < 0.08 ? Infinity : r < 0.1 ? -Infinity : Math.round(rnd() * 100) / 10 // rounding makes ties
    points.push({ key, step: Math.floor(rnd() * 50), wall: 1000 + i, value })
  }
  return points
}

function newRun(store: LabStore, name = 'r') {
  return store.runs.create({ experimentId: null, name, studyId: 'training', config: TINY, seed: 1 })
}

describe('migration 3', () => {
  test('a version-2 database with runs and scalars migrates: flags default false, run_metrics backfilled correctly', () => {
    const dir = tempDir()
    const v2 = openDatabase(dir, MIGRATIONS.slice(0, 2))
    const insertRun = v2.prepare(
      "INSERT INTO runs (id, name, study_id, config, seed, status, created_at, tags) VALUES (?, ?, 'training', '{}', 1, 'completed', ?, '[\"old\"]')"
    )
    const insertScalar = v2.prepare('INSERT INTO scalars (run_id, key, step, wall, value) VALUES (?, ?, ?, ?, ?)')
    insertRun.run('a', 'run a', 1)
    insertRun.run('b', 'run b', 2)
    insertRun.run('empty', 'no scalars', 3)
    const a: Point[] = [
      { key: 'loss', step: 0, wall: 1, value: 0.9 },
      { key: 'loss', step: 20, wall: 3, value: 0.2 },
      { key: 'loss', step: 10, wall: 2, value: 0.4 }, // written after step 20: not the last
      { key: 'loss', step: 20, wall: 4, value: 0.3 }, // same step as an earlier point: the later write is the last
      { key: 'loss', step: 30, wall: 5, value: NaN }, // diverged at the end: last is NaN, min/max ignore it
      { key: 'acc', step: 5, wall: 1, value: 0.5 },
      { key: 'acc', step: 6, wall: 2, value: 0.5 }, // tie for max: the first keeps it
      { key: 'bad', step: 1, wall: 1, value: NaN } // no finite value at all
    ]
    for (const p of a) insertScalar.run('a', p.key, p.step, p.wall, Number.isFinite(p.value) ? p.value : null)
    const b = messyPoints(7)
    for (const p of b) insertScalar.run('b', p.key, p.step, p.wall, Number.isFinite(p.value) ? p.value : null)
    v2.close()

    const store = openStore(dir)
    try {
      const table = store.runs.table()
      expect(table.runs.map((r) => [r.id, r.starred, r.archived, r.tags])).toEqual([
        ['empty', false, false, ['old']],
        ['b', false, false, ['old']],
        ['a', false, false, ['old']]
      ])
      expect(table.metrics.a).toEqual({
        loss: { last: NaN, lastStep: 30, min: 0.2, minStep: 20, max: 0.9, maxStep: 0, count: 5 },
        acc: { last: 0.5, lastStep: 6, min: 0.5, minStep: 5, max: 0.5, maxStep: 5, count: 2 },
        bad: { last: NaN, lastStep: 1, min: NaN, minStep: NaN, max: NaN, maxStep: NaN, count: 1 }
      })
      expect(table.metrics.b).toEqual(statsByDefinition(b))
      expect(table.metrics.empty).toBeUndefined()
      // the scalars themselves are untouched
      expect(store.runs.scalars('a').loss.value).toEqual([0.9, 0.4, 0.2, 0.3, NaN])
    } finally {
      store.close()
    }
  })

  test('stats kept by appendBatch (over many batches) equal the migration backfill of the same points', () => {
    const points = messyPoints(42)
    const incremental = openStore(tempDir())
    const dir = tempDir()
    const v2 = openDatabase(dir, MIGRATIONS.slice(0, 2))
    v2.prepare("INSERT INTO runs (id, name, study_id, config, seed, status, created_at) VALUES ('x', 'x', 'training', '{}', 1, 'completed', 1)").run()
    const ins = v2.prepare("INSERT INTO scalars (run_id, key, step, wall, value) VALUES ('x', ?, ?, ?, ?)")
    for (const p of points) ins.run(p.key, p.step, p.wall, Number.isFinite(p.value) ? p.value : null)
    v2.close()
    const migrated = openStore(dir)
    try {
      const run = newRun(incremental)
      for (let i = 0; i < points.length; i += 17) incremental.runs.appendBatch(run.id, { scalars: points.slice(i, i + 17) })
      const expected = statsByDefinition(points)
      expect(incremental.runs.metrics.of(run.id)).toEqual(expected)
      expect(migrated.runs.metrics.of('x')).toEqual(expected)
    } finally {
      incremental.close()
      migrated.close()
    }
  })
})

describe('run metrics kept current by appendBatch', () => {
  test('last follows the greatest step across batches; non-finite values never become min or max', () => {
    const store = openStore(tempDir())
    try {
      const run = newRun(store)
      store.runs.appendBatch(run.id, { scalars: [{ key: 'loss', step: 10, wall: 1, value: 0.5 }] })
      expect(store.runs.metrics.of(run.id).loss).toEqual({ last: 0.5, lastStep: 10, min: 0.5, minStep: 10, max: 0.5, maxStep: 10, count: 1 })
      // an older step arriving later changes min but not last
      store.runs.appendBatch(run.id, { scalars: [{ key: 'loss', step: 5, wall: 2, value: 0.1 }] })
      expect(store.runs.metrics.of(run.id).loss).toEqual({ last: 0.5, lastStep: 10, min: 0.1, minStep: 5, max: 0.5, maxStep: 10, count: 2 })
      store.runs.appendBatch(run.id, {
        scalars: [
          { key: 'loss', step: 20, wall: 3, value: Infinity },
          { key: 'loss', step: 20, wall: 3, value: -Infinity }
        ]
      })
      expect(store.runs.metrics.of(run.id).loss).toEqual({ last: NaN, lastStep: 20, min: 0.1, minStep: 5, max: 0.5, maxStep: 10, count: 4 })
      store.runs.appendBatch(run.id, { scalars: [{ key: 'loss', step: 20, wall: 4, value: 0.9 }] }) // same step, later: the new last
      expect(store.runs.metrics.of(run.id).loss).toEqual({ last: 0.9, lastStep: 20, min: 0.1, minStep: 5, max: 0.9, maxStep: 20, count: 5 })
    } finally {
      store.close()
    }
  })

  test('a batch that fails leaves the stats as they were; emptying the trash removes them', () => {
    const store = openStore(tempDir())
    try {
      const run = newRun(store)
      store.runs.appendBatch(run.id, { scalars: [{ key: 'loss', step: 1, wall: 1, value: 0.5 }] })
      const circular: any = {}
      circular.self = circular
      expect(() => store.runs.appendBatch(run.id, { scalars: [{ key: 'loss', step: 2, wall: 2, value: 0.1 }], series: [{ key: 's', step: 2, payload: circular }] })).toThrow()
      expect(store.runs.metrics.of(run.id).loss).toMatchObject({ last: 0.5, min: 0.5, count: 1 })
      store.runs.softDelete(run.id)
      store.experiments.emptyTrash()
      expect((store.db.prepare('SELECT COUNT(*) AS n FROM run_metrics').get() as { n: number }).n).toBe(0)
    } finally {
      store.close()
    }
  })
})

describe('organising runs', () => {
  test('update changes name, tags (trimmed, de-duplicated), notes, star and archive; unknown runs give undefined', () => {
    const store = openStore(tempDir())
    try {
      const run = newRun(store)
      expect([run.starred, run.archived]).toEqual([false, false])
      const u = store.runs.update(run.id, { name: 'renamed', tags: [' baseline ', 'lr', 'baseline', ''], notes: 'n', starred: true, archived: true })!
      expect(u).toMatchObject({ name: 'renamed', tags: ['baseline', 'lr'], notes: 'n', starred: true, archived: true })
      // untouched fields stay
      expect(store.runs.update(run.id, { starred: false })).toMatchObject({ name: 'renamed', tags: ['baseline', 'lr'], starred: false, archived: true })
      expect(store.runs.update('nope', { name: 'x' })).toBeUndefined()
      store.runs.softDelete(run.id)
      expect(store.runs.update(run.id, { name: 'x' })).toBeUndefined()
    } finally {
      store.close()
    }
  })

  test('the runs table holds archived runs but not those in the trash', () => {
    const store = openStore(tempDir())
    try {
      const [a, b, c] = ['a', 'b', 'c'].map((n) => newRun(store, n))
      for (const r of [a, b, c]) store.runs.appendBatch(r.id, { scalars: [{ key: 'loss', step: 1, wall: 1, value: 1 }] })
      store.runs.update(b.id, { archived: true })
      store.runs.softDelete(c.id)
      const t = store.runs.table()
      expect(t.runs.map((r) => r.id).sort()).toEqual([a.id, b.id].sort())
      expect(t.runs.find((r) => r.id === b.id)!.archived).toBe(true)
      expect(Object.keys(t.metrics).sort()).toEqual([a.id, b.id].sort())
    } finally {
      store.close()
    }
  })

  test('runs.table returns 5 000 runs × 6 keys with their stats', () => {
    const store = openStore(tempDir())
    try {
      const keys = ['train/loss', 'train/accuracy', 'test/loss', 'test/accuracy', 'lr', 'grad/norm']
      store.db.transaction(() => {
        for (let i = 0; i < 5000; i++) {
          const run = store.runs.create({ experimentId: null, name: `run ${i}`, studyId: 'training', config: { ...TINY, seed: i }, seed: i })
          const scalars = keys.flatMap((key, k) => [0, 1, 2].map((step) => ({ key, step, wall: step, value: i + k + step })))
          store.runs.appendBatch(run.id, { scalars })
        }
      })()
      const t = store.runs.table()
      expect(t.runs).toHaveLength(5000)
      expect(Object.keys(t.metrics)).toHaveLength(5000)
      const r = t.runs.find((x) => x.name === 'run 17')!
      expect(t.metrics[r.id]['test/loss']).toEqual({ last: 17 + 2 + 2, lastStep: 2, min: 19, minStep: 0, max: 21, maxStep: 2, count: 3 })
    } finally {
      store.close()
    }
  })
})

describe('scalarsMany', () => {
  test('many runs in one call, by run by key, ordered by step; unknown and deleted runs are absent, a run without the keys is empty', () => {
    const store = openStore(tempDir())
    try {
      const [a, b, gone] = ['a', 'b', 'gone'].map((n) => newRun(store, n))
      store.runs.appendBatch(a.id, {
        scalars: [
          { key: 'loss', step: 2, wall: 12, value: 0.2 },
          { key: 'loss', step: 1, wall: 11, value: 0.4 },
          { key: 'acc', step: 1, wall: 11, value: NaN }
        ]
      })
      store.runs.appendBatch(b.id, { scalars: [{ key: 'loss', step: 5, wall: 20, value: 1 }] })
      store.runs.appendBatch(gone.id, { scalars: [{ key: 'loss', step: 5, wall: 20, value: 1 }] })
      store.runs.softDelete(gone.id)
      expect(store.runs.scalarsMany([a.id, b.id, gone.id, 'unknown'])).toEqual({
        [a.id]: { loss: { step: [1, 2], wall: [11, 12], value: [0.4, 0.2] }, acc: { step: [1], wall: [11], value: [NaN] } },
        [b.id]: { loss: { step: [5], wall: [20], value: [1] } }
      })
      expect(store.runs.scalarsMany([a.id, b.id], ['acc'])).toEqual({ [a.id]: { acc: { step: [1], wall: [11], value: [NaN] } }, [b.id]: {} })
      // the same as asking run by run
      expect(store.runs.scalarsMany([a.id])[a.id]).toEqual(store.runs.scalars(a.id))
    } finally {
      store.close()
    }
  })
})

describe('scalarsMany at compare scale', () => {
  test('50 runs × 10 000 points of one metric in one call', () => {
    const store = openStore(tempDir())
    try {
      const ids: string[] = []
      store.db.transaction(() => {
        for (let r = 0; r < 50; r++) {
          const run = newRun(store, `run ${r}`)
          ids.push(run.id)
          store.runs.appendBatch(run.id, { scalars: Array.from({ length: 10_000 }, (_, i) => ({ key: 'test/loss', step: i, wall: i / 10, value: r + 1 / (i + 1) })) })
        }
      })()
      const all = store.runs.scalarsMany(ids, ['test/loss'])
      expect(Object.keys(all)).toHaveLength(50)
      const s = all[ids[7]]['test/loss']
      expect([s.step.length, s.step[9999], s.value[0], s.value[9999]]).toEqual([10_000, 9999, 8, 7 + 1 / 10_000])
    } finally {
      store.close()
    }
  })
})

describe('engine handlers', () => {
  async function openLab() {
    return Lab.open({ dataDir: tempDir(), mode: 'inprocess', workerUrl: WORKER_URL, env: { ...TEST_ENV, LAB_BACKEND: 'cpu' }, builtins: false })
  }

  test('runs.update emits runs.changed and reports unknown runs; runs.rename still works; runs.table and runs.scalarsMany answer', async () => {
    const lab = await openLab()
    try {
      const events: [string, unknown][] = []
      lab.on((e, p) => events.push([e, p]))
      const run = newRun(lab.store)
      lab.store.runs.appendBatch(run.id, { scalars: [{ key: 'loss', step: 3, wall: 1, value: 0.25 }] })
      const u = await lab.call('runs.update', { id: run.id, tags: ['a', ' a '], starred: true })
      expect(u).toMatchObject({ id: run.id, tags: ['a'], starred: true, archived: false })
      expect(events).toContainEqual(['runs.changed', { runId: run.id }])
      await expect(lab.call('runs.update', { id: 'nope', starred: true })).rejects.toMatchObject({ code: 'not-found' })
      await expect(lab.call('runs.update', { id: run.id, name: '   ' })).rejects.toMatchObject({ code: 'bad-request' })
      expect(await lab.call('runs.rename', { id: run.id, name: 'renamed' })).toMatchObject({ name: 'renamed', starred: true })

      const table = await lab.call('runs.table', {})
      expect(table.runs.map((r) => r.name)).toEqual(['renamed'])
      expect(table.metrics[run.id].loss).toMatchObject({ last: 0.25, lastStep: 3, count: 1 })
      expect(await lab.call('runs.scalarsMany', { ids: [run.id, 'missing'] })).toEqual({ [run.id]: { loss: { step: [3], wall: [1], value: [0.25] } } })
    } finally {
      await lab.close()
    }
  })

  test('layouts: save creates and overwrites, list is newest first, delete removes; each emits layouts.changed; bad state is refused', async () => {
    const lab = await openLab()
    try {
      const events: unknown[] = []
      lab.on((e, p) => e === 'layouts.changed' && events.push(p))
      const state = { ...defaultCompareState(), runIds: ['r1', 'r2'], metrics: ['test/loss'], groupBy: 'optimizer.kind' }
      const first = await lab.call('layouts.save', { name: 'first', state })
      expect(first).toMatchObject({ name: 'first', state })
      await new Promise((r) => setTimeout(r, 5))
      const second = await lab.call('layouts.save', { name: 'second', state: { runIds: ['r3'] } })
      expect(second.state).toEqual({ ...defaultCompareState(), runIds: ['r3'] }) // defaults filled in by the contract
      expect((await lab.call('layouts.list', {})).map((l) => l.name)).toEqual(['second', 'first'])

      await new Promise((r) => setTimeout(r, 5))
      const over = await lab.call('layouts.save', { id: first.id, name: 'first v2', state: { ...state, logY: true } })
      expect(over).toMatchObject({ id: first.id, name: 'first v2', createdAt: first.createdAt, state: { logY: true, runIds: ['r1', 'r2'] } })
      expect(over.updatedAt).toBeGreaterThan(first.updatedAt)
      expect((await lab.call('layouts.list', {})).map((l) => l.name)).toEqual(['first v2', 'second'])

      expect(await lab.call('layouts.delete', { id: second.id })).toEqual({ ok: true })
      expect((await lab.call('layouts.list', {})).map((l) => l.id)).toEqual([first.id])
      await expect(lab.call('layouts.delete', { id: second.id })).rejects.toMatchObject({ code: 'not-found' })
      await expect(lab.call('layouts.save', { name: 'bad', state: { xAxis: 'sideways' } })).rejects.toThrow(/state\.xAxis/)
      expect(events).toEqual([{ layoutId: first.id }, { layoutId: second.id }, { layoutId: first.id }, { layoutId: second.id }])
    } finally {
      await lab.close()
    }
  })
})

describe('packed scalars', () => {
  test('runs.scalarsPacked decodes to exactly the points of runs.scalarsMany, non-finite values as NaN', () => {
    const store = openStore(tempDir())
    const run = store.runs.create({ experimentId: null, name: 'packed', studyId: 'training', config: {}, seed: 0 })
    const values = [0.5, 1 / 3, Number.NaN, 1e-300, -2.75, 123456789.123]
    store.runs.appendBatch(run.id, { scalars: values.map((value, i) => ({ key: 'train/loss', step: i * 7, wall: 1_700_000_000_000 + i, value })) })
    const plain = store.runs.scalarsMany([run.id, 'missing'], ['train/loss'])
    const packed = store.runs.scalarsPacked([run.id, 'missing'], ['train/loss'])
    expect(Object.keys(packed)).toEqual([run.id])
    const p = packed[run.id]['train/loss']
    expect(p.n).toBe(6)
    expect(Array.from(unpackFloat64(p.step))).toEqual(plain[run.id]['train/loss'].step)
    expect(Array.from(unpackFloat64(p.wall))).toEqual(plain[run.id]['train/loss'].wall)
    const v = Array.from(unpackFloat64(p.value))
    expect(v.map((x) => (Number.isNaN(x) ? 'NaN' : x))).toEqual(values.map((x) => (Number.isNaN(x) ? 'NaN' : x)))
    store.close()
  })
})
