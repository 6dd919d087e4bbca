/** Run workers are reused (tfjs and wasm compile once per worker, and reuse changes no number) within limits: memory, series bytes. */
import { afterAll, expect, test } from 'vitest'
import { Lab } from '../../src-main/engine/lab'
import { TEST_ENV, TINY, WORKER_URL, cleanupTempDirs, openLab, runToEnd, tempDir } from './helpers'

let lab: Lab | undefined

afterAll(async () => {
  await lab?.close()
  cleanupTempDirs()
})

test('runs one after another share one warm worker and give the same numbers as a fresh one', async () => {
  lab = await openLab(tempDir())
  const first = await runToEnd(lab, TINY, 'a')
  const second = await runToEnd(lab, TINY, 'b')
  const third = await runToEnd(lab, { ...TINY, seed: TINY.seed + 1 }, 'c')
  expect([first.status, second.status, third.status]).toEqual(['completed', 'completed', 'completed'])
  expect(lab.queue.workersSpawned).toBe(1)
  const values = (id: string) => Object.fromEntries(Object.entries(lab!.store.runs.scalars(id)).map(([k, s]) => [k, s.value]))
  // The second run used a worker that had already trained a model: identical to the first.
  expect(values(second.id)).toEqual(values(first.id))
  expect(values(third.id)).not.toEqual(values(first.id))
})

test('a worker is not kept warm once the process has grown past the recycle limit: the next run gets a fresh one', async () => {
  // A limit of 1 byte: every run counts as oversized, so each ends its worker (its wasm heap goes with it).
  const recycling = await Lab.open({ dataDir: tempDir(), mode: 'inprocess', workerUrl: WORKER_URL, env: TEST_ENV, builtins: false, queueLimits: { recycleAboveRssBytes: 1 } })
  try {
    const a = await runToEnd(recycling, TINY, 'a')
    const b = await runToEnd(recycling, TINY, 'b')
    expect([a.status, b.status]).toEqual(['completed', 'completed'])
    expect(recycling.queue.workersSpawned).toBe(2)
    expect(recycling.queue.workersRecycled).toBe(2)
    // a fresh worker gives the same numbers
    const values = (id: string) => Object.fromEntries(Object.entries(recycling.store.runs.scalars(id)).map(([k, s]) => [k, s.value]))
    expect(values(b.id)).toEqual(values(a.id))
  } finally {
    await recycling.close()
  }
})

test('a run whose series pass the per-run limit is stopped with a message naming them; what it stored stays', async () => {
  const capped = await Lab.open({ dataDir: tempDir(), mode: 'inprocess', workerUrl: WORKER_URL, env: TEST_ENV, builtins: false, queueLimits: { maxSeriesBytes: 200_000 } })
  try {
    // a 100×100 boundary is ≈ 27 kB: every epoch of 40 passes 200 kB after a few
    const run = await runToEnd(capped, { ...TINY, epochs: 40, boundary: { every: 1, resolution: 100 } }, 'boundaries')
    expect(run.status).toBe('failed')
    expect(run.error).toMatch(/^stopped: the run's series \(snapshots, matrices, boundaries\) reached the limit of 0\.2 MB per run \("boundary" 0\.\d MB[^)]*\); log them less often or at a lower resolution — what it stored is kept$/)
    const stored = capped.store.db.prepare('SELECT SUM(length(payload)) AS n, COUNT(*) AS c FROM series WHERE run_id = ?').get(run.id) as { n: number; c: number }
    expect(stored.c).toBeGreaterThan(0)
    expect(stored.n).toBeLessThanOrEqual(200_000)
    expect(capped.store.runs.scalars(run.id)['train/batch_loss'].step.length).toBeGreaterThan(0)
  } finally {
    await capped.close()
  }
})
