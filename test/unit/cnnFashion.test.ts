/**
 * Opt-in (several minutes; `LAB_FASHION=1 npx vitest run --project unit test/unit/cnnFashion.test.ts`):
 * the Fashion-MNIST CNN template on the real Fashion-MNIST training images from Debian's
 * dataset-fashion-mnist package, through the real Lab → worker path on wasm. Target (issue 3): ≥ 85 % test
 * accuracy within 10 minutes on 2 cores. The images are stored with DatasetStore.create from a test-only IDX
 * reader (test/unit/cnnIdx.ts), so this does not depend on the library's importer.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import type { Lab } from '../../src-main/engine/lab'
import { trainingTemplates, datasetMatchesHint } from '../../src-shared/studies/training'
import { FASHION_DIR, readImagesAndLabels } from './cnnIdx'
import { cleanupTempDirs, finished, openLab, tempDir } from './helpers'

const ENABLED = process.env.LAB_FASHION === '1' && existsSync(join(FASHION_DIR, 'train-images-idx3-ubyte.gz'))
let lab: Lab | undefined

afterAll(async () => {
  await lab?.close()
  cleanupTempDirs()
})

describe.skipIf(!ENABLED)('Fashion-MNIST CNN template (opt-in: LAB_FASHION=1)', () => {
  test('reaches ≥ 85 % test accuracy within 10 minutes', { timeout: 900_000 }, async () => {
    lab = await openLab(tempDir())
    const t0 = Date.now()
    const train = readImagesAndLabels(join(FASHION_DIR, 'train-images-idx3-ubyte.gz'), join(FASHION_DIR, 'train-labels-idx1-ubyte.gz'))
    const info = lab.store.datasets.create({
      name: 'Fashion-MNIST (train)',
      kind: 'imported',
      spec: { format: 'idx' },
      provenance: { files: FASHION_DIR },
      shape: { n: train.n, sample: [28, 28, 1], dtype: 'uint8', task: 'classification', classes: 10, targets: 1 },
      arrays: { x: train.x, y: train.y }
    })
    const importSeconds = (Date.now() - t0) / 1000
    const template = trainingTemplates.find((t) => t.id === 'training/fashion-mnist-cnn')!
    expect(datasetMatchesHint(template.datasetHint!, info)).toBe(true)
    const config = structuredClone(template.config)
    config.dataset.datasetId = info.id
    if (process.env.LAB_FASHION_EPOCHS) config.epochs = Number(process.env.LAB_FASHION_EPOCHS)
    const e = await lab.call('experiments.create', { name: 'fashion', studyId: 'training', config })
    let id: string | undefined
    const done = finished(lab, () => id, 900_000)
    id = (await lab.call('runs.start', { experimentId: e.id })).id
    await done
    const run = lab.store.runs.get(id)!
    expect(run.error).toBeNull()
    const s = lab.store.runs.scalars(run.id)
    const wall = (run.finishedAt! - run.startedAt!) / 1000
    console.log(
      `Fashion-MNIST CNN: import ${importSeconds.toFixed(1)} s; run ${wall.toFixed(0)} s on ${run.backend}, ${run.summary!.samplesPerSecond} samples/s; ` +
        `test accuracy per epoch ${s['test/accuracy'].value.map((v) => v.toFixed(4)).join(' ')}; train accuracy ${s['train/accuracy'].value.map((v) => v.toFixed(4)).join(' ')}`
    )
    expect(run.status).toBe('completed')
    expect(run.summary!.final['test/accuracy']).toBeGreaterThanOrEqual(0.85)
    expect(wall).toBeLessThan(600)
  })
})
