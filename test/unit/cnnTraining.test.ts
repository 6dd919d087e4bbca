/**
 * The training study on stored (library) datasets: a small synthetic image dataset saved with
 * DatasetStore.create, trained by CNNs through the real Lab → JobQueue → worker_thread path.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Lab } from '../../src-main/engine/lab'
import { createRng } from '../../src-shared/rng'
import { layers } from '../../src-shared/studies/training'
import { adam } from '../../src-shared/training/optimizer'
import { cleanupTempDirs, openLab, runToEnd, tempDir, trainingConfig } from './helpers'

let lab: Lab
let imagesId: string
let flatId: string

/**
 * 240 images 10×10×1 (uint8), 3 classes: a bright horizontal bar, a vertical bar or a diagonal at a random
 * place, on noise. Trivial for a CNN, not for chance (33 %).
 */
function barImages(n: number, seed: number): { x: Uint8Array; y: Int32Array } {
  const rng = createRng(seed)
  const S = 10
  const x = new Uint8Array(n * S * S)
  const y = new Int32Array(n)
  for (let i = 0; i < n; i++) {
    const c = i % 3
    y[i] = c
    const img = x.subarray(i * S * S, (i + 1) * S * S)
    for (let k = 0; k < img.length; k++) img[k] = rng.int(60)
    const at = 1 + rng.int(S - 2)
    for (let t = 0; t < S; t++) {
      const [r, col] = c === 0 ? [at, t] : c === 1 ? [t, at] : [t, t]
      img[r * S + col] = 200 + rng.int(56)
    }
  }
  return { x, y }
}

beforeAll(async () => {
  lab = await openLab(tempDir())
  const { x, y } = barImages(240, 5)
  imagesId = lab.store.datasets.create({
    name: 'bars',
    kind: 'generated',
    spec: { test: 'bars' },
    provenance: {},
    shape: { n: 240, sample: [10, 10, 1], dtype: 'uint8', task: 'classification', classes: 3, targets: 1 },
    arrays: { x, y }
  }).id
  flatId = lab.store.datasets.create({
    name: 'bars (flat float)',
    kind: 'derived',
    spec: { test: 'bars-flat' },
    provenance: {},
    shape: { n: 240, sample: [100], dtype: 'float32', task: 'classification', classes: 3, targets: 1 },
    arrays: { x: Float32Array.from(x, (v) => v / 255), y }
  }).id
})

afterAll(async () => {
  await lab?.close()
  cleanupTempDirs()
})

const cnn = (datasetId: string, patch: Record<string, unknown> = {}) =>
  trainingConfig({
    dataset: { kind: 'stored', datasetId, testFraction: 0.25, validationFraction: 0 },
    network: layers(
      { type: 'conv2d', filters: 6, kernelSize: 3, strides: 1, padding: 'valid', activation: 'relu' },
      { type: 'maxpool2d', poolSize: 2, strides: 2, padding: 'valid' },
      { type: 'dense', units: 16, activation: 'relu' } // after pooling: flattened automatically
    ),
    optimizer: adam(0.01),
    batchSize: 16,
    epochs: 6,
    logEvery: 4,
    ...patch
  })

function numbers(runId: string) {
  const all = lab.store.runs.scalars(runId)
  return Object.fromEntries(Object.entries(all).map(([k, s]) => [k, { step: s.step, value: s.value }]))
}

describe('training on stored datasets', () => {
  test('a small CNN learns a stored uint8 image dataset (loss falls, accuracy far above chance); no boundary', async () => {
    const run = await runToEnd(lab, cnn(imagesId), 'cnn')
    expect(run.error).toBeNull()
    expect(run.status).toBe('completed')
    const s = lab.store.runs.scalars(run.id)
    expect(s['train/loss'].step).toHaveLength(7)
    expect(s['train/loss'].value.at(-1)!).toBeLessThan(s['train/loss'].value[0] * 0.5)
    expect(s['test/accuracy'].value.at(-1)!).toBeGreaterThan(0.8)
    expect(s['train/batch_loss'].step.length).toBeGreaterThan(5)
    expect(run.summary!.steps).toBe(6 * Math.ceil(180 / 16))
    expect(run.summary!.samplesPerSecond).toBeGreaterThan(0)
    expect(lab.store.runs.seriesSteps(run.id, 'boundary')).toEqual([])
    expect(lab.store.runs.seriesSteps(run.id, 'points')).toEqual([])
    const [artifact] = await lab.call('runs.artifacts', { id: run.id })
    expect(artifact).toMatchObject({ name: 'model.json', kind: 'tfjs-layers-model' })
  })

  test('same config and seed give identical metrics for a CNN with batch-norm and dropout', async () => {
    const config = cnn(imagesId, {
      network: layers(
        { type: 'conv2d', filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'linear' },
        { type: 'batchnorm', activation: 'relu' },
        { type: 'avgpool2d', poolSize: 2, strides: 2, padding: 'valid' },
        { type: 'flatten' },
        { type: 'dropout', rate: 0.3 },
        { type: 'dense', units: 8, activation: 'tanh' }
      ),
      epochs: 2
    })
    const a = await runToEnd(lab, config, 'det-a')
    const b = await runToEnd(lab, config, 'det-b')
    const c = await runToEnd(lab, { ...config, seed: 2 }, 'det-c')
    for (const r of [a, b, c]) expect(r.error).toBeNull()
    expect(numbers(b.id)).toEqual(numbers(a.id))
    expect(numbers(c.id)['train/loss'].value).not.toEqual(numbers(a.id)['train/loss'].value)
  })

  test('a missing or deleted dataset fails the run with a clear message', async () => {
    const missing = await runToEnd(lab, cnn('no-such-dataset'), 'missing')
    expect(missing.status).toBe('failed')
    expect(missing.error).toBe('dataset no-such-dataset is not in the library (it was deleted, or belongs to another data folder); choose another dataset')

    const { x, y } = barImages(30, 1)
    const doomed = lab.store.datasets.create({
      name: 'doomed',
      kind: 'generated',
      spec: {},
      provenance: {},
      shape: { n: 30, sample: [10, 10, 1], dtype: 'uint8', task: 'classification', classes: 3, targets: 1 },
      arrays: { x, y }
    }).id
    lab.store.datasets.softDelete(doomed)
    const deleted = await runToEnd(lab, cnn(doomed), 'deleted')
    expect(deleted.status).toBe('failed')
    expect(deleted.error).toMatch(new RegExp(`^dataset ${doomed} is not in the library`))
  })

  test('a conv layer on a flat stored dataset fails naming the layer; dense layers train on it', async () => {
    const bad = await runToEnd(lab, cnn(flatId), 'conv-on-flat')
    expect(bad.status).toBe('failed')
    expect(bad.error).toMatch(/^the network does not fit dataset "bars \(flat float\)" \(samples 100\): layer 1 \(conv2d\) needs an image input \[H, W, C\], but the dataset's samples are flat vectors \[100\]/)
    const ok = await runToEnd(lab, cnn(flatId, { network: layers({ type: 'dense', units: 32, activation: 'relu' }), epochs: 2 }), 'dense-on-flat')
    expect(ok.error).toBeNull()
    expect(ok.status).toBe('completed')
  })
})
