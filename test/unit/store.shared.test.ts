/**
 * A second process on the same store (the real engine process, the real CLI, a connection held by the
 * test): a long write of one never makes another fail or crash, read-only commands neither wait for nor
 * change anything, and only a process that runs work recovers what a stopped one left.
 */
import Database from 'better-sqlite3'
import { execFile } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { DB_FILE } from '../../src-main/engine/store/database'
import { openStore } from '../../src-main/engine/store'
import { exportRunTo } from '../../src-main/engine/runs/runExport'
import { CLI_JS, ENDLESS, IpcEngine, TEST_ENV, TINY, cleanupTempDirs, finished, openLab, sleep, tempDir, waitFor } from './helpers'

afterAll(cleanupTempDirs)

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((res) => {
    execFile(process.execPath, [CLI_JS, ...args], { env: TEST_ENV, timeout: 60_000, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      res({ code: err ? ((err as any).code ?? 1) : 0, stdout, stderr })
    })
  })
}

/** Hold the store's write lock from this process (another connection, as a second lab process would) for `ms`. */
async function holdWriteLock(dir: string, ms: number, during?: () => Promise<void>): Promise<void> {
  const db = new Database(join(dir, DB_FILE))
  try {
    db.exec('BEGIN IMMEDIATE')
    const held = sleep(ms)
    await during?.()
    await held
    db.exec('COMMIT')
  } finally {
    db.close()
  }
}

/** A run with `points` scalars over three keys and `series` snapshots of `payloadBytes` each, exported as one .json file. */
function bigRunFile(points: number, series: number, payloadBytes: number): string {
  const dir = tempDir()
  const store = openStore(dir)
  try {
    const e = store.experiments.create({ name: 'big', studyId: 'training', config: TINY })
    const run = store.runs.create({ experimentId: e.id, name: 'big #1', studyId: 'training', config: TINY, seed: 1 })
    const perKey = Math.floor(points / 3)
    for (let from = 0; from < perKey; from += 20_000) {
      const chunk = []
      for (let i = from; i < Math.min(perKey, from + 20_000); i++) for (const key of ['a', 'b', 'c']) chunk.push({ key, step: i, wall: i, value: Math.sin(i) })
      store.runs.appendBatch(run.id, { scalars: chunk })
    }
    const blob = 'x'.repeat(payloadBytes)
    for (let i = 0; i < series; i++) store.runs.appendBatch(run.id, { series: [{ key: 'boundary', step: i, payload: { i, blob } }] })
    store.runs.finish(run.id, 'completed', { summary: { final: {}, steps: perKey, epochs: 1, wallSeconds: 1, samplesPerSecond: 1 } as any })
    const file = join(dir, 'big.json')
    exportRunTo(store, run.id, file, 'json')
    return file
  } finally {
    store.close()
  }
}

describe('a long write in one process does not make another fail', () => {
  test('a store write of the engine that finds the store locked past the busy timeout is retried, not a crash', async () => {
    const dir = tempDir()
    const engine = IpcEngine.start(dir)
    try {
      await engine.ready
      const e = await engine.call('experiments.create', { name: 'busy', studyId: 'training', config: ENDLESS })
      const runId = (await engine.call('runs.start', { experimentId: e.id })).id
      const reader = new Database(join(dir, DB_FILE), { readonly: true })
      const stored = () => (reader.prepare("SELECT COUNT(*) AS n FROM scalars WHERE run_id = ? AND key = 'train/batch_loss'").get(runId) as { n: number }).n
      try {
        await waitFor(() => stored() >= 10, 'the run to store scalars')
        // 6.5 s: longer than the engine's busy timeout (5 s), so its batch write fails with SQLITE_BUSY at least once.
        await holdWriteLock(dir, 6500)
        const afterLock = stored()
        await waitFor(() => stored() > afterLock + 10, 'the run to keep storing after the lock')
        expect(engine.child.exitCode).toBeNull()
        expect((await engine.call('runs.get', { id: runId })).status).toBe('running')
        // nothing was lost while the store was locked: one loss per step, no gaps
        const steps = (reader.prepare("SELECT step FROM scalars WHERE run_id = ? AND key = 'train/batch_loss' ORDER BY step").all(runId) as { step: number }[]).map((r) => r.step)
        expect(steps).toEqual(Array.from({ length: steps.length }, (_, i) => i + 1))
      } finally {
        reader.close()
      }
      await engine.call('runs.cancel', { id: runId })
      expect(engine.stderr).toBe('')
    } finally {
      await engine.kill('SIGKILL')
    }
  })

  test("the run's environment, stored when its worker starts, waits for a lock like every other queue write", async () => {
    const dir = tempDir()
    const lab = await openLab(dir)
    const other = new Database(join(dir, DB_FILE))
    try {
      const e = await lab.call('experiments.create', { name: 'locked start', studyId: 'training', config: TINY })
      let id: string | undefined
      const done = finished(lab, () => id)
      id = lab.startRun(e.id).id
      // Taken before the worker's 'started' can be handled (this thread has not yielded): storing the
      // environment then waits the whole busy timeout (5 s) and fails with SQLITE_BUSY — in the worker's
      // message handler, where a throw would take the engine down.
      other.exec('BEGIN IMMEDIATE')
      await waitFor(() => lab.queue.writer.retries > 0, 'a queue write to find the store locked', 30_000)
      other.exec('COMMIT')
      expect((await done).status).toBe('completed')
      expect(lab.store.runs.get(id)!.environment).toMatchObject({ node: process.version, tfjs: expect.any(String) })
    } finally {
      other.close()
      await lab.close()
    }
  })

  test('read-only CLI commands succeed while another process holds the write lock, and change nothing', async () => {
    const dir = tempDir()
    const store = openStore(dir)
    const run = store.runs.create({ experimentId: null, name: 'one', studyId: 'training', config: TINY, seed: 1 })
    store.runs.finish(run.id, 'completed')
    // …and one a crashed process left running: recovering it would be a write
    const cut = store.runs.create({ experimentId: null, name: 'cut off', studyId: 'training', config: TINY, seed: 1, ownerPid: 999_999_999 })
    store.db.prepare("UPDATE runs SET status = 'running' WHERE id = ?").run(cut.id)
    store.close()
    const out = join(tempDir(), 'one.json')
    let results: Awaited<ReturnType<typeof cli>>[] = []
    // 7 s of lock: a command that waited for it (recovery writes at open) would fail "database is locked" after 5 s.
    await holdWriteLock(dir, 7000, async () => {
      results = await Promise.all([cli(['list', '--json', '--data-dir', dir]), cli(['show', run.id, '--json', '--data-dir', dir]), cli(['export', run.id, '--out', out, '--data-dir', dir])])
    })
    for (const r of results) expect(r.code, r.stderr).toBe(0)
    expect(JSON.parse(results[0].stdout).map((r: any) => [r.runId, r.status]).sort()).toEqual([[run.id, 'completed'], [cut.id, 'running']].sort())
    expect(JSON.parse(results[1].stdout).runId).toBe(run.id)
    expect(results[2].stdout.trim()).toBe(out)
  })

  test('a big run import goes in short, paced transactions: another connection with a 2 s busy timeout never fails, and the engine answers meanwhile', async () => {
    const file = bigRunFile(240_000, 30, 300_000)
    const dir = tempDir()
    const engine = IpcEngine.start(dir)
    const other = new Database(join(dir, DB_FILE))
    try {
      await engine.ready
      // 2 s: less than the store's own 5 s, more than any of the import's transactions (one, before, took the whole import)
      other.pragma('busy_timeout = 2000')
      let importing = true
      let probes = 0
      const failures: string[] = []
      const probe = setInterval(() => {
        if (!importing) return
        try {
          other.prepare("INSERT INTO settings (key, value) VALUES ('probe', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value").run(String(probes++))
        } catch (err) {
          failures.push(`import: ${(err as Error).message}`)
        }
      }, 20)
      const importId = engine.newId()
      const order: string[] = []
      const imported = engine.raw({ type: 'call', id: importId, method: 'runs.import', params: { path: file } }, importId, 120_000).then((r) => (order.push('import'), r))
      // Sent after the import: answered first, since the import runs in a worker.
      const info = engine.call('engine.info').then((r) => (order.push('info'), r))
      const [reply] = await Promise.all([imported, info])
      importing = false
      clearInterval(probe)
      expect(reply.type, JSON.stringify(reply).slice(0, 300)).toBe('result')
      expect(order).toEqual(['info', 'import'])
      expect(probes).toBeGreaterThan(10)
      expect(failures).toEqual([])
      const run = (reply as any).result
      expect((await engine.call('runs.scalars', { id: run.id, keys: ['a'] })).a.step).toHaveLength(80_000)
      expect(await engine.call('runs.seriesSteps', { id: run.id, key: 'boundary' })).toHaveLength(30)

      // Emptying the trash of that run is cut the same way.
      await engine.call('runs.delete', { id: run.id })
      importing = true
      const probe2 = setInterval(() => {
        if (!importing) return
        try {
          other.prepare("UPDATE settings SET value = ? WHERE key = 'probe'").run(String(probes++))
        } catch (err) {
          failures.push(`trash: ${(err as Error).message}`)
        }
      }, 20)
      expect(await engine.call('trash.empty', {}, 60_000)).toMatchObject({ runs: 1 })
      importing = false
      clearInterval(probe2)
      expect(failures).toEqual([])
      expect((other.prepare('SELECT COUNT(*) AS n FROM scalars').get() as { n: number }).n).toBe(0)
      expect(engine.stderr).toBe('')
    } finally {
      other.close()
      await engine.kill('SIGKILL')
    }
  })
})

describe('only a process that runs work recovers', () => {
  /** What a crashed engine leaves: two runs queued and one running, all owned by a process that is gone. */
  function leftByACrash(dir: string) {
    const store = openStore(dir)
    const dead = 999_999_999
    const e = store.experiments.create({ name: 'left', studyId: 'training', config: TINY })
    const queued = [0, 1].map((seed) => store.runs.create({ experimentId: e.id, name: `queued ${seed}`, studyId: 'training', config: { ...TINY, seed }, seed, ownerPid: dead }).id)
    const running = store.runs.create({ experimentId: e.id, name: 'running', studyId: 'training', config: TINY, seed: 5, ownerPid: dead }).id
    store.db.prepare("UPDATE runs SET status = 'running', started_at = 1, owner_pid = ? WHERE id = ?").run(dead, running)
    store.close()
    return { queued, running, dead }
  }
  const state = (dir: string) => {
    const db = new Database(join(dir, DB_FILE), { readonly: true })
    try {
      return db.prepare('SELECT name, status, owner_pid AS owner FROM runs ORDER BY name').all() as { name: string; status: string; owner: number }[]
    } finally {
      db.close()
    }
  }

  test('list and show change nothing; run recovers the running one but adopts no queued run; the engine adopts and runs them', async () => {
    const dir = tempDir()
    const { queued, dead } = leftByACrash(dir)
    const before = state(dir)
    expect(before.map((r) => r.status)).toEqual(['queued', 'queued', 'running'])

    expect((await cli(['list', '--json', '--data-dir', dir])).code).toBe(0)
    expect((await cli(['show', queued[0], '--json', '--data-dir', dir])).code).toBe(0)
    expect(state(dir)).toEqual(before)

    const config = join(tempDir(), 'tiny.json')
    writeFileSync(config, JSON.stringify({ study: 'training', name: 'mine', config: TINY }))
    const r = await cli(['run', config, '--json', '--data-dir', dir])
    expect(r.code, r.stderr).toBe(0)
    expect(JSON.parse(r.stdout)).toMatchObject({ name: 'mine #1', status: 'completed' })
    const after = state(dir).filter((x) => x.name !== 'mine #1')
    expect(after).toEqual([
      { name: 'queued 0', status: 'queued', owner: dead },
      { name: 'queued 1', status: 'queued', owner: dead },
      { name: 'running', status: 'interrupted', owner: dead }
    ])

    const engine = IpcEngine.start(dir)
    try {
      await engine.ready
      await waitFor(async () => {
        const runs = await Promise.all(queued.map((id) => engine.call('runs.get', { id })))
        return runs.every((x) => x.status === 'completed')
      }, 'the engine to run the adopted runs', 60_000, 200)
    } finally {
      await engine.kill('SIGTERM')
    }
  })
})
