/** Crash recovery: SIGKILL the real engine process mid-run, then check the store and start-up recovery. */
import Database from 'better-sqlite3'
import { join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { DB_FILE } from '../../src-main/engine/store/database'
import { ENDLESS, IpcEngine, cleanupTempDirs, openLab, sleep, tempDir, waitFor } from './helpers'

afterAll(cleanupTempDirs)

type Row = { key: string; step: number; wall: number; value: number | null }

describe('crash recovery', () => {
  test('a run cut off by SIGKILL keeps its flushed scalars, the file is intact, and the next start marks it interrupted', async () => {
    const dir = tempDir()
    const engine = IpcEngine.start(dir)
    let runId: string
    let snapshot: Row[]
    let progressBefore: number
    try {
      await engine.ready
      const e = await engine.call('experiments.create', { name: 'crash', studyId: 'training', config: ENDLESS })
      runId = (await engine.call('runs.start', { experimentId: e.id })).id

      // Read the store beside the engine (WAL: readers never block its writer).
      const reader = new Database(join(dir, DB_FILE), { readonly: true, fileMustExist: true })
      const rows = () => reader.prepare('SELECT key, step, wall, value FROM scalars WHERE run_id = ? ORDER BY rowid').all(runId) as Row[]
      try {
        await waitFor(() => rows().filter((r) => r.key === 'train/batch_loss').length >= 20, 'the run to store scalars')
        expect((reader.prepare('SELECT status FROM runs WHERE id = ?').get(runId) as { status: string }).status).toBe('running')
        snapshot = rows()
        progressBefore = (reader.prepare('SELECT steps FROM runs WHERE id = ?').get(runId) as { steps: number }).steps
      } finally {
        reader.close()
      }
      await sleep(1000) // keep training ≈ 1 s past the snapshot, then pull the plug
    } finally {
      await engine.kill('SIGKILL')
    }
    expect(await engine.exited).toEqual({ code: null, signal: 'SIGKILL' })

    const db = new Database(join(dir, DB_FILE))
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok')
      expect(db.pragma('foreign_key_check')).toEqual([])
      // The engine is gone but the file still says "running": only start-up recovery changes that.
      expect((db.prepare('SELECT status FROM runs WHERE id = ?').get(runId!) as { status: string }).status).toBe('running')
    } finally {
      db.close()
    }

    const lab = await openLab(dir)
    try {
      const run = lab.store.runs.get(runId!)!
      expect(run.status).toBe('interrupted')
      expect(run.error).toBe('the engine stopped while this run was training')
      expect(run.finishedAt).toBeGreaterThan(run.startedAt!)
      expect(run.steps).toBeGreaterThan(progressBefore!)
      // Everything that was in the store ≈ 1 s before the kill is still there, unchanged and in order…
      const after = lab.store.db.prepare('SELECT key, step, wall, value FROM scalars WHERE run_id = ? ORDER BY rowid').all(runId!) as Row[]
      expect(after.slice(0, snapshot!.length)).toEqual(snapshot!)
      // …and so is what the run flushed during that last second.
      expect(after.length).toBeGreaterThan(snapshot!.length)
      const steps = lab.store.runs.scalars(runId!, ['train/batch_loss'])['train/batch_loss'].step
      expect(steps).toEqual(Array.from({ length: steps.length }, (_, i) => i + 1)) // whole batches only: no gaps
      // An interrupted run is finished: it is not adopted into the new queue.
      expect(lab.queue.list()).toEqual([])
      expect((await lab.call('runs.get', { id: runId! })).status).toBe('interrupted')
    } finally {
      await lab.close()
    }
  })

  test('SIGTERM stops the engine cleanly: the running run is marked interrupted by the engine itself', async () => {
    const dir = tempDir()
    const engine = IpcEngine.start(dir)
    let runId: string
    try {
      await engine.ready
      const e = await engine.call('experiments.create', { name: 'term', studyId: 'training', config: ENDLESS })
      runId = (await engine.call('runs.start', { experimentId: e.id })).id
      // Scalars, not just the first series (the points under the boundary are logged before training starts).
      await waitFor(() => engine.events.some((x) => x.event === 'run.metrics' && x.payload.runId === runId && x.payload.points.length > 0), 'scalars of the run')
    } finally {
      await engine.kill('SIGTERM')
    }
    expect(await engine.exited).toEqual({ code: 0, signal: null })
    const db = new Database(join(dir, DB_FILE), { readonly: true })
    try {
      const row = db.prepare('SELECT status, error FROM runs WHERE id = ?').get(runId!) as { status: string; error: string }
      expect(row).toEqual({ status: 'interrupted', error: 'the engine was stopped while this run was training' })
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok')
      expect((db.prepare('SELECT COUNT(*) AS n FROM scalars WHERE run_id = ?').get(runId!) as { n: number }).n).toBeGreaterThan(0)
    } finally {
      db.close()
    }
  })
})
