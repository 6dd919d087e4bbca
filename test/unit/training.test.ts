/** The training study end to end: real Lab, real JobQueue, real worker_threads (out/main/worker.js), real SQLite. */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Lab } from '../../src-main/engine/lab'
import { tf } from '../../src-main/engine/compute/backend'
import { generateToy } from '../../src-main/engine/datasets/toy'
import { deriveSeed } from '../../src-shared/rng'
import { dense } from '../../src-shared/network/layers'
import { layers } from '../../src-shared/studies/training'
import { adam } from '../../src-shared/training/optimizer'
import { ENDLESS, TINY, cleanupTempDirs, finished, openLab, runToEnd, tempDir, trainingConfig, waitFor } from './helpers'

let lab: Lab

beforeAll(async () => {
  lab = await openLab(tempDir())
})

afterAll(async () => {
  await lab?.close()
  cleanupTempDirs()
})

/** Scalars without wall times: what must be reproducible. */
function numbers(runId: string) {
  const all = lab.store.runs.scalars(runId)
  return Object.fromEntries(Object.entries(all).map(([k, s]) => [k, { step: s.step, value: s.value }]))
}

describe('training study', () => {
  test('the loss falls on two-spirals', async () => {
    // The study's default three-way split: 80 test, 40 validation, 280 training points.
    const config = trainingConfig({
      dataset: { kind: 'two-spirals', n: 400, noise: 0, testFraction: 0.2, validationFraction: 0.1 },
      network: layers(dense(32), dense(32)),
      optimizer: adam(0.02),
      batchSize: 16,
      epochs: 25,
      logEvery: 5
    })
    const run = await runToEnd(lab, config, 'spirals')
    expect(run.status).toBe('completed')
    expect(run.error).toBeNull()
    const s = lab.store.runs.scalars(run.id)
    const loss = s['train/loss'].value
    expect(s['train/loss'].step).toHaveLength(26) // epoch 0 + 25 epochs
    expect(s['train/loss'].step[0]).toBe(0)
    expect(loss[0]).toBeGreaterThan(0.5) // ≈ ln 2 for an untrained 2-class net
    expect(loss.at(-1)!).toBeLessThan(loss[0] * 0.3)
    expect(s['train/accuracy'].value.at(-1)!).toBeGreaterThan(0.9)
    // minibatch loss and accuracy are logged every 5 steps: 18 steps/epoch (280 / 16) × 25 epochs / 5
    expect(s['train/batch_loss'].step).toEqual(Array.from({ length: 90 }, (_, i) => (i + 1) * 5))
    expect(s['train/batch_accuracy'].step).toEqual(s['train/batch_loss'].step)
    expect(s['train/batch_accuracy'].value.every((v) => v >= 0 && v <= 1)).toBe(true)
    // validation and test are evaluated at every epoch too, on their own points
    for (const k of ['val/loss', 'val/accuracy', 'test/loss', 'test/accuracy']) expect(s[k].step, k).toEqual(s['train/loss'].step)
    expect(s['val/loss'].value).not.toEqual(s['test/loss'].value)
    // summary and bookkeeping; the best values are the validation set's only (never test)
    expect(Object.keys(run.summary!.best!).sort()).toEqual(['val/accuracy', 'val/loss'])
    const bestAt = (k: string, better: (a: number, b: number) => boolean) => s[k].value.reduce((b, v, i) => (better(v, s[k].value[b]) ? i : b), 0)
    const lossAt = bestAt('val/loss', (a, b) => a < b)
    expect(run.summary!.best!['val/loss']).toEqual({ value: s['val/loss'].value[lossAt], step: s['val/loss'].step[lossAt] })
    expect(run.summary!.best!['val/accuracy'].value).toBe(Math.max(...s['val/accuracy'].value))
    expect(run.summary!.steps).toBe(450)
    expect(run.summary!.epochs).toBe(25)
    expect(run.summary!.final['train/loss']).toBe(loss.at(-1))
    expect(run.summary!.samplesPerSecond).toBeGreaterThan(0)
    expect(run.progress).toBe(1)
    expect(run.steps).toBe(450)
    expect(run.backend).toBe(lab.backend)
    // decision boundary snapshots: ≈ 50 per run at most, one per epoch here
    expect(lab.store.runs.seriesSteps(run.id, 'boundary')).toHaveLength(26)
    const b = lab.store.runs.series(run.id, 'boundary') as { step: number; payload: any }
    expect(b.step).toBe(450)
    expect(Buffer.from(b.payload.cls, 'base64')).toHaveLength(100 * 100)

    // The trained model is kept as an artifact that tfjs loads back and that predicts as well as it did.
    const [info] = await lab.call('runs.artifacts', { id: run.id })
    expect(info).toMatchObject({ name: 'model.json', kind: 'tfjs-layers-model' })
    const { base64 } = await lab.call('runs.artifact', { id: run.id, name: 'model.json' })
    const saved = JSON.parse(Buffer.from(base64, 'base64').toString('utf8'))
    const weights = Buffer.from(saved.weightData, 'base64')
    const model = await tf.loadLayersModel(
      tf.io.fromMemory({ modelTopology: saved.modelTopology, weightSpecs: saved.weightSpecs, weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) })
    )
    const data = generateToy(config.dataset, deriveSeed(config.seed, 'data'))
    const predicted = Array.from(tf.tidy(() => (model.predict(tf.tensor2d(data.x, [data.n, 2])) as import('@tensorflow/tfjs').Tensor).argMax(1).dataSync()))
    const accuracy = predicted.filter((p, i) => p === data.y[i]).length / data.n
    expect(accuracy).toBeGreaterThan(0.9)
    model.dispose()
  })

  test('same config and seed give identical metrics; another seed gives different ones', async () => {
    const a = await runToEnd(lab, TINY, 'det-a')
    const b = await runToEnd(lab, TINY, 'det-b')
    const c = await runToEnd(lab, { ...TINY, seed: 2 }, 'det-c')
    for (const r of [a, b, c]) expect(r.status).toBe('completed')
    const na = numbers(a.id)
    expect(Object.keys(na).sort()).toEqual(['epoch', 'test/accuracy', 'test/loss', 'train/accuracy', 'train/batch_accuracy', 'train/batch_loss', 'train/loss'])
    expect(na['train/batch_loss'].step.length).toBeGreaterThan(10)
    expect(numbers(b.id)).toEqual(na) // every scalar, bit for bit
    expect(lab.store.runs.series(b.id, 'boundary')).toEqual(lab.store.runs.series(a.id, 'boundary'))
    expect(lab.store.runs.series(b.id, 'points')).toEqual(lab.store.runs.series(a.id, 'points'))

    const nc = numbers(c.id)
    expect(nc['train/loss'].step).toEqual(na['train/loss'].step)
    expect(nc['train/loss'].value).not.toEqual(na['train/loss'].value)
    expect(nc['train/batch_loss'].value).not.toEqual(na['train/batch_loss'].value)
    expect(nc['train/loss'].value[0]).not.toBe(na['train/loss'].value[0]) // different init and data already at epoch 0
    expect(lab.store.runs.series(c.id, 'points')).not.toEqual(lab.store.runs.series(a.id, 'points'))
  })

  // Linear layers with plain SGD at learning rate 10 on MSE blow up within a few steps (NaN at step 4 on wasm).
  const DIVERGES = trainingConfig({
    dataset: { kind: 'circles', n: 300, noise: 0, testFraction: 0.2, validationFraction: 0 },
    network: layers(dense(16, 'linear'), dense(16, 'linear')),
    loss: 'mse',
    optimizer: { kind: 'sgd', learningRate: 10, momentum: 0 },
    batchSize: 16,
    epochs: 5,
    logEvery: 1
  })

  test('a diverging run fails with a readable message about the loss and keeps what it logged before', async () => {
    const run = await runToEnd(lab, DIVERGES, 'diverges')
    expect(run.status).toBe('failed')
    expect(run.error).toMatch(/^the minibatch loss became (NaN|-?Infinity) at step \d+ \(epoch 1\); try a lower learning rate$/)
    const failedAt = Number(/at step (\d+)/.exec(run.error!)![1])
    const s = lab.store.runs.scalars(run.id)
    // epoch-0 evaluation and every finite minibatch loss before the failure are in the store
    expect(s['train/loss'].step).toEqual([0])
    expect(Number.isFinite(s['train/loss'].value[0])).toBe(true)
    expect(s['train/batch_loss'].step).toEqual(Array.from({ length: failedAt - 1 }, (_, i) => i + 1))
    expect(s['train/batch_loss'].value.every(Number.isFinite)).toBe(true)
    expect(lab.store.runs.seriesSteps(run.id, 'boundary')).toEqual([0])
    expect(run.summary).toBeNull()
    expect(run.finishedAt).toBeGreaterThan(0)
  })

  test('divergence is also caught at the epoch evaluation when minibatch losses are not read back', async () => {
    const run = await runToEnd(lab, { ...DIVERGES, logEvery: 1_000_000 }, 'diverges-epoch')
    expect(run.status).toBe('failed')
    expect(run.error).toMatch(/^the training loss became (NaN|-?Infinity) at epoch 1 \(step 15\); try a lower learning rate$/)
    expect(lab.store.runs.scalars(run.id)['train/loss'].step).toEqual([0])
  })

  test('cancelling a running run takes effect within 1 s and keeps what it logged', async () => {
    const e = await lab.call('experiments.create', { name: 'endless', studyId: 'training', config: ENDLESS })
    let id: string | undefined
    const done = finished(lab, () => id)
    id = (await lab.call('runs.start', { experimentId: e.id })).id
    await waitFor(() => (lab.store.runs.scalars(id!)['train/batch_loss']?.step.length ?? 0) > 50, 'logged minibatch losses')
    expect(lab.queue.list()).toMatchObject([{ runId: id, status: 'running' }])
    const before = lab.store.runs.scalars(id)
    const t0 = performance.now()
    const reply = await lab.call('runs.cancel', { id })
    expect(reply.id).toBe(id)
    const status = await done
    const took = performance.now() - t0
    expect(status.status).toBe('cancelled')
    expect(took).toBeLessThan(1000)
    await lab.queue.idle()
    const run = lab.store.runs.get(id)!
    expect(run.status).toBe('cancelled')
    expect(run.error).toBeNull()
    // The training loop saw the shared flag and returned (the worker was not just terminated after the grace
    // period): the run keeps a summary of what it did up to the cancel.
    expect(run.summary).not.toBeNull()
    expect(run.summary!.steps).toBe(run.steps)
    const after = lab.store.runs.scalars(id)
    for (const [key, s] of Object.entries(before)) {
      expect(after[key].step.slice(0, s.step.length)).toEqual(s.step)
      expect(after[key].value.slice(0, s.value.length)).toEqual(s.value)
    }
    expect(after['train/batch_loss'].step.length).toBeGreaterThanOrEqual(before['train/batch_loss'].step.length)
    expect(run.steps).toBeGreaterThanOrEqual(before['train/batch_loss'].step.at(-1)!)
    expect(lab.queue.list()).toEqual([])
    // a finished run cannot be cancelled again
    await expect(lab.call('runs.cancel', { id })).rejects.toMatchObject({ code: 'conflict' })
  })

  test('a queued run can be cancelled before it starts', async () => {
    const e = await lab.call('experiments.create', { name: 'queue', studyId: 'training', config: ENDLESS })
    const first = await lab.call('runs.start', { experimentId: e.id })
    const second = await lab.call('runs.start', { experimentId: e.id })
    expect(lab.queue.list().map((q) => [q.runId, q.status])).toEqual([
      [first.id, 'running'],
      [second.id, 'queued']
    ])
    await lab.call('runs.cancel', { id: second.id })
    expect(lab.store.runs.get(second.id)!.status).toBe('cancelled')
    expect(lab.store.runs.get(second.id)!.startedAt).toBeNull()
    await lab.call('runs.cancel', { id: first.id })
    await lab.queue.idle()
    expect(lab.store.runs.get(first.id)!.status).toBe('cancelled')
  })
})
