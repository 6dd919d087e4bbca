/** Metric batching: the MetricBatcher with an injected clock, and the event rate of a real run. */
import { afterAll, describe, expect, test } from 'vitest'
import { MetricBatcher, type RunBatch } from '../../src-main/engine/runs/batcher'
import { createRng } from '../../src-shared/rng'
import { ENDLESS, cleanupTempDirs, finished, openLab, sleep, tempDir, waitFor } from './helpers'

afterAll(cleanupTempDirs)

function clockedBatcher(intervalMs = 250) {
  let now = 1000
  const sent: { at: number; batch: RunBatch }[] = []
  const b = new MetricBatcher((batch) => sent.push({ at: now, batch }), intervalMs, () => now)
  return { b, sent, set: (t: number) => void (now = t), get now() { return now } }
}

describe('MetricBatcher (injected clock)', () => {
  test('nothing is sent before the interval; then one batch with everything; flush() sends the rest', () => {
    const c = clockedBatcher()
    c.b.scalar('a', 1, 0.5)
    c.set(1100)
    c.b.seriesEntry('s', 1, { v: 1 })
    c.b.setProgress(1, 10, 'one')
    c.set(1249)
    c.b.scalar('a', 2, 0.4)
    c.b.setProgress(2, 10, 'two')
    expect(c.sent).toHaveLength(0)
    c.set(1250)
    c.b.scalar('a', 3, 0.3)
    expect(c.sent).toHaveLength(1)
    const first = c.sent[0].batch
    expect(first.scalars.map((p) => [p.key, p.step, p.value])).toEqual([
      ['a', 1, 0.5],
      ['a', 2, 0.4],
      ['a', 3, 0.3]
    ])
    expect(first.series).toEqual([{ key: 's', step: 1, payload: { v: 1 } }])
    expect(first.progress).toEqual({ step: 2, totalSteps: 10, message: 'two' }) // only the latest progress
    // the next batch waits another full interval
    c.set(1400)
    c.b.scalar('a', 4, 0.2)
    c.b.setProgress(4, 10, 'four')
    expect(c.sent).toHaveLength(1)
    c.b.flush()
    expect(c.sent).toHaveLength(2)
    expect(c.sent[1].batch).toMatchObject({ scalars: [{ key: 'a', step: 4, value: 0.2 }], series: [], progress: { step: 4 } })
    // an empty flush sends nothing
    c.b.flush()
    c.set(5000)
    c.b.flush()
    expect(c.sent).toHaveLength(2)
  })

  test('under a flood of logs: at most one batch per interval, every point delivered once and in order', () => {
    const c = clockedBatcher(250)
    const rng = createRng(7)
    let t = 0
    let step = 0
    // 20 000 log calls over ≈ 10 simulated seconds, in irregular increments
    while (step < 20_000) {
      t += rng.next() * 1
      c.set(1000 + t)
      step++
      c.b.scalar('loss', step, step)
      if (step % 7 === 0) c.b.setProgress(step, 20_000, '')
    }
    c.b.flush()
    const times = c.sent.map((s) => s.at)
    for (let i = 1; i < times.length - 1; i++) expect(times[i] - times[i - 1]).toBeGreaterThanOrEqual(250)
    expect(c.sent.length).toBeLessThanOrEqual(Math.ceil(t / 250) + 1)
    expect(c.sent.length).toBeGreaterThanOrEqual(Math.floor(t / 250) - 1)
    const steps = c.sent.flatMap((s) => s.batch.scalars.map((p) => p.step))
    expect(steps).toEqual(Array.from({ length: 20_000 }, (_, i) => i + 1))
  })

  test('the default clock and interval are real time and 300 ms', async () => {
    const sent: RunBatch[] = []
    const b = new MetricBatcher((batch) => sent.push(batch))
    b.scalar('k', 1, 1)
    expect(sent).toHaveLength(0)
    await sleep(200)
    b.scalar('k', 2, 2)
    expect(sent).toHaveLength(0)
    await sleep(120)
    b.scalar('k', 3, 3)
    expect(sent).toHaveLength(1)
    expect(sent[0].scalars.map((p) => p.step)).toEqual([1, 2, 3])
    expect(sent[0].scalars[0].wall).toBeGreaterThan(Date.now() - 10_000)
  })
})

describe('event rate of a real run', () => {
  test('a run sends a few event messages per second in all, far fewer than steps', async () => {
    // Two runs at once (concurrency 2), each logging a minibatch loss every step.
    const lab = await openLab(tempDir(), {}, 2)
    try {
      // A boundary snapshot every epoch too: series must travel in the same batches as the scalars.
      const e = await lab.call('experiments.create', { name: 'rate', studyId: 'training', config: { ...ENDLESS, dataset: { ...ENDLESS.dataset, n: 40 }, batchSize: 2, boundary: { every: 1, resolution: 100 } } })
      const events: { event: string; runId: string; at: number; points?: number }[] = []
      lab.on((event, payload: any) => events.push({ event, runId: payload?.runId, at: performance.now(), points: event === 'run.metrics' ? payload.points.length : undefined }))
      const a = await lab.call('runs.start', { experimentId: e.id })
      const b = await lab.call('runs.start', { experimentId: e.id })
      const ids = [a.id, b.id]
      const t0 = performance.now()
      await waitFor(() => ids.every((id) => (lab.store.runs.get(id)?.steps ?? 0) > 0), 'both runs to log progress')
      // Long enough for many snapshots and batches, however busy the machine (not a fixed time).
      await waitFor(() => ids.every((id) => lab.store.runs.seriesSteps(id, 'boundary').length > 20), 'both runs to log 20 boundaries', 60_000, 100)
      await sleep(1000)
      const doneA = finished(lab, () => a.id)
      const doneB = finished(lab, () => b.id)
      await lab.call('runs.cancel', { id: a.id })
      await lab.call('runs.cancel', { id: b.id })
      await Promise.all([doneA, doneB])
      const elapsed = (performance.now() - t0) / 1000
      for (const id of ids) {
        const run = lab.store.runs.get(id)!
        expect(run.status).toBe('cancelled')
        const steps = run.steps
        const logged = lab.store.runs.scalars(id, ['train/batch_loss'])['train/batch_loss'].step.length
        expect(logged).toBeGreaterThanOrEqual(steps - 1) // one scalar per step was logged…
        const boundaries = lab.store.runs.seriesSteps(id, 'boundary').length
        expect(boundaries).toBeGreaterThan(20) // many snapshots were logged (16 steps per epoch, one per epoch)…
        // 'all' = the streaming events together (lifecycle events such as run.status come once per run)
        for (const name of ['all', 'run.progress', 'run.metrics']) {
          const streaming = (event: string) => (name === 'all' ? event === 'run.progress' || event === 'run.metrics' : event === name)
          const times = events.filter((x) => streaming(x.event) && x.runId === id).map((x) => x.at)
          expect(times.length).toBeGreaterThanOrEqual(3)
          // …but they travel in batches: one per 300 ms, ≤ 10 streaming messages in any one-second window
          let worst = 0
          for (let i = 0; i < times.length; i++) {
            let j = i
            while (j < times.length && times[j] - times[i] < 1000) j++
            worst = Math.max(worst, j - i)
          }
          expect(worst, `${name} events in the busiest second`).toBeLessThanOrEqual(10)
          expect(times.length / elapsed).toBeLessThanOrEqual(name === 'all' ? 10 : 6)
          expect(times.length * 2).toBeLessThan(steps)
        }
        // A batch carries many steps' scalars (the step rate depends on the machine; one message per step would give 1).
        const metrics = events.filter((x) => x.event === 'run.metrics' && x.runId === id)
        expect(metrics.reduce((n, x) => n + (x.points ?? 0), 0) / metrics.length).toBeGreaterThanOrEqual(5)
      }
    } finally {
      await lab.close()
    }
  })
})
