/**
 * Checkpoints and resume, for real: a run cancelled after a checkpoint, and a run whose engine process is
 * SIGKILLed mid-training, are resumed from their last checkpoint and end with exactly the numbers of the same
 * config trained without interruption (weights, Adam state, learning-rate schedule, dropout masks, the
 * shuffling RNG, early-stopping bookkeeping all restored).
 */
import Database from 'better-sqlite3'
import { join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import type { Lab } from '../../src-main/engine/lab'
import { DB_FILE } from '../../src-main/engine/store/database'
import { decodeCheckpoint } from '../../src-main/engine/training/checkpoint'
import { IpcEngine, cleanupTempDirs, finished, openLab, tempDir, trainingConfig, waitFor } from './helpers'

afterAll(cleanupTempDirs)

/** Small, but with every piece of state a resume must restore. */
const CONFIG = trainingConfig({
  dataset: { kind: 'two-spirals', n: 400, noise: 0, testFraction: 0.2, validationFraction: 0.1 },
  network: {
    form: 'layers',
    layers: [
      { type: 'dense', units: 24, activation: 'tanh' },
      { type: 'dropout', rate: 0.2 },
      { type: 'dense', units: 24, activation: 'relu' }
    ]
  },
  optimizer: { kind: 'adam', learningRate: 0.02, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
  schedule: { kind: 'cosine', warmupEpochs: 1, minFactor: 0.1 },
  weightDecay: 0.0005,
  earlyStopping: { metric: 'val/loss', patience: 1000, minDelta: 0, restoreBest: true },
  batchSize: 20,
  epochs: 60,
  logEvery: 4,
  checkpointEvery: 2,
  boundary: { every: 2, resolution: 100 },
  probes: [{ id: 'weight-histogram', every: 3, params: { bins: 10, biases: false } }]
})

/** Every scalar as (key, step) → value, and the series steps per key: what must come out the same. */
function numbers(lab: Lab, runId: string) {
  const s = lab.store.runs.scalars(runId)
  const scalars = Object.fromEntries(Object.entries(s).map(([k, v]) => [k, v.step.map((step, i) => [step, v.value[i]])]))
  const series = Object.fromEntries(lab.store.runs.seriesKeys(runId).map((k) => [k, lab.store.runs.seriesSteps(runId, k)]))
  return { scalars, series }
}

async function uninterrupted(lab: Lab) {
  const e = await lab.call('experiments.create', { name: 'straight', studyId: 'training', config: CONFIG })
  const run = lab.startRun(e.id)
  const done = await finished(lab, () => run.id)
  expect(done.status).toBe('completed')
  return run.id
}

describe('resume', () => {
  test('a run cancelled after a checkpoint resumes to exactly the numbers of an uninterrupted run', async () => {
    const lab = await openLab(tempDir())
    try {
      const straight = await uninterrupted(lab)
      const e = await lab.call('experiments.create', { name: 'cut', studyId: 'training', config: CONFIG })
      const run = lab.startRun(e.id)
      // Cancel once the epoch-4 checkpoint is stored and the run has trained past it.
      await waitFor(() => {
        const a = lab.store.runs.artifact(run.id, 'checkpoint')
        return a && decodeCheckpoint(new Uint8Array(a.bytes)).epoch >= 4 && lab.store.runs.get(run.id)!.steps > decodeCheckpoint(new Uint8Array(a.bytes)).step
      }, 'the epoch-4 checkpoint, and a step past it')
      await lab.call('runs.cancel', { id: run.id })
      await waitFor(() => lab.store.runs.get(run.id)!.status === 'cancelled', 'the cancel')
      const cut = lab.store.runs.get(run.id)!
      const cp = decodeCheckpoint(new Uint8Array(lab.store.runs.artifact(run.id, 'checkpoint')!.bytes))

      expect(cut.steps).toBeGreaterThanOrEqual(cp.step)
      const resumed = await lab.call('runs.resume', { id: run.id })
      expect(['queued', 'running']).toContain(resumed.status)
      expect(resumed.steps).toBe(cp.step)

      const done = await finished(lab, () => run.id)
      expect(done.status).toBe('completed')
      expect(numbers(lab, run.id)).toEqual(numbers(lab, straight))
      const a = lab.store.runs.get(run.id)!.summary!
      const b = lab.store.runs.get(straight)!.summary!
      expect(a.final).toEqual(b.final)
      expect(a.best).toEqual(b.best)
      expect(a.best!['val/loss']).toBeDefined()
      expect([a.steps, a.epochs]).toEqual([b.steps, b.epochs])
      // The run records what it ran with.
      expect(lab.store.runs.get(run.id)!.environment).toMatchObject({ tfjs: '4.22.0', backend: lab.backend })
    } finally {
      await lab.close()
    }
  })

  test('refusals: a completed run, a run without a checkpoint, a run in the queue', async () => {
    const lab = await openLab(tempDir())
    try {
      const straight = await uninterrupted(lab)
      await expect(lab.call('runs.resume', { id: straight })).rejects.toThrow(/is completed; only interrupted, cancelled or failed runs can be resumed/)
      const e = await lab.call('experiments.create', { name: 'no checkpoints', studyId: 'training', config: { ...CONFIG, checkpointEvery: 0, epochs: 200 } })
      const run = lab.startRun(e.id)
      await expect(lab.call('runs.resume', { id: run.id })).rejects.toThrow(/already in the queue/)
      await lab.call('runs.cancel', { id: run.id })
      await waitFor(() => lab.store.runs.get(run.id)!.status === 'cancelled', 'the cancel')
      await expect(lab.call('runs.resume', { id: run.id })).rejects.toThrow(/has no checkpoint to resume from.*checkpointEvery/)
      await expect(lab.call('runs.resume', { id: '__proto__' })).rejects.toThrow(/not found/)
    } finally {
      await lab.close()
    }
  })

  test('SIGKILL of the engine mid-run: the next engine marks it interrupted, resume reaches the uninterrupted numbers', async () => {
    const dir = tempDir()
    const config = { ...CONFIG, epochs: 40, checkpointEvery: 1 }
    const engine = IpcEngine.start(dir)
    let runId: string
    try {
      await engine.ready
      const e = await engine.call('experiments.create', { name: 'killed', studyId: 'training', config })
      runId = (await engine.call('runs.start', { experimentId: e.id })).id
      const reader = new Database(join(dir, DB_FILE), { readonly: true, fileMustExist: true })
      try {
        await waitFor(() => {
          const row = reader.prepare('SELECT bytes FROM artifacts WHERE run_id = ? AND name = ?').get(runId, 'checkpoint') as { bytes: Buffer } | undefined
          return row && decodeCheckpoint(new Uint8Array(row.bytes)).epoch >= 3
        }, 'a checkpoint at epoch 3', 60_000)
      } finally {
        reader.close()
      }
    } finally {
      await engine.kill('SIGKILL')
    }
    expect(await engine.exited).toEqual({ code: null, signal: 'SIGKILL' })

    const lab = await openLab(dir)
    try {
      expect(lab.store.runs.get(runId!)!.status).toBe('interrupted')
      await lab.call('runs.resume', { id: runId! })
      const done = await finished(lab, () => runId!, 120_000)
      expect(done.status).toBe('completed')
      // The same config, never interrupted, in the same store.
      const e = await lab.call('experiments.create', { name: 'straight', studyId: 'training', config })
      const straight = lab.startRun(e.id)
      expect((await finished(lab, () => straight.id, 120_000)).status).toBe('completed')
      expect(numbers(lab, runId!)).toEqual(numbers(lab, straight.id))
      expect(lab.store.runs.get(runId!)!.summary!.final).toEqual(lab.store.runs.get(straight.id)!.summary!.final)
    } finally {
      await lab.close()
    }
  })
})
