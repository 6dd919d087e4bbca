/**
 * Resource estimates before a run: the network costs by hand, a config too large for the backend refused at
 * launch (no run created) and in its worker (nothing allocated), and the time estimate taken from the rate
 * the machine's completed runs measured.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { tf, useBackend } from '../../src-main/engine/compute/backend'
import type { Lab } from '../../src-main/engine/lab'
import { RUNNERS } from '../../src-main/engine/studies'
import { createRng } from '../../src-shared/rng'
import { estimateTraining } from '../../src-shared/studies/training'
import { GB, layerListCost } from '../../src-shared/training/estimate'
import { cleanupTempDirs, openLab, runToEnd, tempDir, trainingConfig } from './helpers'

let lab: Lab
beforeAll(async () => {
  await useBackend('wasm')
  lab = await openLab(tempDir())
})
afterAll(async () => {
  await lab?.close()
  cleanupTempDirs()
})

/** The example: 200 000 random-label samples of 4096 dimensions (3.3 GB of inputs alone). */
const HUGE = trainingConfig({
  dataset: { kind: 'random-labels', n: 200_000, testFraction: 0.2, validationFraction: 0, dims: 4096, classes: 10 },
  network: { form: 'layers', layers: [{ type: 'dense', units: 64, activation: 'relu' }] },
  epochs: 1
})

describe('network cost', () => {
  test('an MLP: parameters and forward FLOPs by hand', () => {
    const c = layerListCost([{ type: 'dense', units: 392, activation: 'relu' }, { type: 'dense', units: 50, activation: 'relu' }], [784], 10)!
    expect(c.params).toBe(784 * 392 + 392 + 392 * 50 + 50 + 50 * 10 + 10)
    expect(c.forwardFlops).toBe(2 * (784 * 392 + 392 * 50 + 50 * 10))
    expect(c.activationFloats).toBe(392 + 50 + 10)
  })

  test('a conv layer: 2·k²·Cin·Cout FLOPs per output position', () => {
    const c = layerListCost([{ type: 'conv2d', filters: 8, kernelSize: 3, strides: 1, padding: 'valid', activation: 'relu' }], [10, 10, 2], 3)!
    // conv → 8×8×8 = 512 outputs, each 3·3·2 multiply-adds; then the automatic flatten (512) and the dense output.
    expect(c.forwardFlops).toBe(2 * 9 * 2 * 512 + 512 + 2 * 512 * 3)
  })

  test('the huge random-labels config: well over 6 GB, most of it the dataset and its evaluation copies', () => {
    const e = estimateTraining(HUGE)!
    expect(e.bytes).toBeGreaterThan(6 * GB)
    expect(e.parts[0].what).toMatch(/dataset|evaluation/)
    expect(e.parts.find((p) => p.what === 'the dataset')!.bytes).toBe(200_000 * 4096 * 4)
  })
})

describe('refusal', () => {
  test('the engine refuses to start a run that cannot fit, with the figure, and creates no run', async () => {
    const est = await lab.call('runs.estimate', { studyId: 'training', config: HUGE })
    expect(est.tooLarge).toBe(true)
    expect(est.memory).toMatch(/GB \(the (dataset|evaluation copies) \d/)
    const e = await lab.call('experiments.create', { name: 'huge', studyId: 'training', config: HUGE })
    await expect(lab.call('runs.start', { experimentId: e.id })).rejects.toThrow(/this run would need about \d+\.\d GB \(.*\) of memory; the (blas|wasm) backend here can use at most \d/)
    expect(lab.store.runs.list({ experimentId: e.id })).toEqual([])
  })

  test('the runner checks too, before generating any data (every launch path goes through it)', async () => {
    const before = process.memoryUsage().rss
    const ctx = { tf, runId: 'x', config: HUGE, seed: 1, rng: createRng(1), backend: 'wasm', log: () => {}, logSeries: () => {}, artifact: () => {}, progress: () => {}, aborted: false }
    await expect(RUNNERS.training(ctx)).rejects.toThrow(/would need about .* GB/)
    // 3.3 GB of inputs were never allocated.
    expect(process.memoryUsage().rss - before).toBeLessThan(500 * 1024 ** 2)
  })
})

describe('time', () => {
  test('before any run the rate is assumed; after one completes it is measured here and gives the time', async () => {
    const small = trainingConfig({ dataset: { kind: 'xor', n: 400, noise: 0, testFraction: 0.2, validationFraction: 0 }, epochs: 6 })
    const first = await lab.call('runs.estimate', { studyId: 'training', config: small })
    expect(first.rate).toMatchObject({ runs: 0, backend: lab.backend })
    expect(first.tooLarge).toBe(false)
    const run = await runToEnd(lab, small)
    expect(run.status).toBe('completed')
    const after = await lab.call('runs.estimate', { studyId: 'training', config: { ...small, epochs: 60 } })
    expect(after.rate!.runs).toBe(1)
    // The measured rate reproduces the run's own training speed: 10× the epochs, about 10× its training time.
    const trained = (run.summary!.steps * small.batchSize) / run.summary!.samplesPerSecond
    expect(after.seconds! / 10).toBeGreaterThan(trained * 0.5)
    expect(after.seconds! / 10).toBeLessThan(trained * 3)
    // Studies without an estimate say so (null), they are not refused.
    const n = await lab.call('runs.estimate', { studyId: 'neurashed', config: {} })
    expect([n.bytes, n.tooLarge]).toEqual([null, false])
  })
})
