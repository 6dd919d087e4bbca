/**
 * Real data: Fashion-MNIST from Debian's dataset-fashion-mnist (/usr/share/datasets/fashion-mnist,
 * installed by .ci/run), imported through the real dataset worker.
 */
import { copyFileSync, existsSync } from 'node:fs'
import { randomUUID } from 'node:crypto'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { DatasetJob } from '../../src-shared/datasets'
import type { Lab } from '../../src-main/engine/lab'
import { FASHION_MNIST_CLASSES } from '../../src-main/engine/datasets/importers'
import { cleanupTempDirs, openLab, tempDir } from './helpers'

const DIR = '/usr/share/datasets/fashion-mnist'
let lab: Lab

beforeAll(async () => {
  lab = await openLab(tempDir(), {})
})

afterAll(async () => {
  await lab?.close()
  cleanupTempDirs()
})

// The real files are part of the test environment: .ci/run installs Debian's dataset-fashion-mnist.
describe('Fashion-MNIST (Debian dataset-fashion-mnist)', () => {
  let trainId: string

  beforeAll(() => {
    expect(existsSync(DIR), `${DIR} is missing: apt-get install dataset-fashion-mnist`).toBe(true)
  })

  test('train: 60 000 × [28, 28, 1] uint8, 6 000 per class, Fashion-MNIST class names; ≤ ~10 job events/s', async () => {
    const events: DatasetJob[] = []
    const off = lab.on((e, p) => e === 'datasets.job' && events.push(p as DatasetJob))
    const started = Date.now()
    const job = await lab.call('datasets.import', { paths: [join(DIR, 'train-labels-idx1-ubyte.gz'), join(DIR, 'train-images-idx3-ubyte.gz')] })
    const done = await lab.datasetJobs.wait(job.jobId)
    const seconds = (Date.now() - started) / 1000
    off()
    expect(done.status, done.error ?? '').toBe('done')
    const d = await lab.call('datasets.get', { id: done.datasetId! })
    expect(d.name).toBe('Fashion-MNIST train')
    expect(d.shape).toEqual({ n: 60_000, sample: [28, 28, 1], dtype: 'uint8', task: 'classification', classes: 10, targets: 1 })
    expect(d.classCounts).toEqual(new Array(10).fill(6000))
    expect(d.classNames).toEqual(FASHION_MNIST_CLASSES)
    expect(d.sizeBytes).toBe(60_000 * 784 + 60_000 * 4)
    const mine = events.filter((e) => e.jobId === job.jobId)
    expect(mine.length).toBeLessThanOrEqual(seconds * 10 + 3)
    expect(mine.some((e) => e.status === 'running' && e.fraction > 0 && e.fraction < 1)).toBe(true)
    console.log(`Fashion-MNIST train import: ${seconds.toFixed(2)} s, ${mine.length} job events`)
    trainId = d.id
    const img = await lab.call('datasets.preview', { id: d.id, kind: 'images', limit: 8 })
    if (img.kind !== 'images') throw new Error('images')
    expect([img.height, img.width, img.channels, img.label.length]).toEqual([28, 28, 1, 8])
  })

  test('test: 10 000 images', async () => {
    const job = await lab.call('datasets.import', { paths: [join(DIR, 't10k-images-idx3-ubyte.gz'), join(DIR, 't10k-labels-idx1-ubyte.gz')] })
    const done = await lab.datasetJobs.wait(job.jobId)
    expect(done.status, done.error ?? '').toBe('done')
    const d = await lab.call('datasets.get', { id: done.datasetId! })
    expect(d.name).toBe('Fashion-MNIST test')
    expect(d.shape.n).toBe(10_000)
    expect(d.classCounts).toEqual(new Array(10).fill(1000))
  })

  test('uploaded copies (no fashion folder, uuid-prefixed names) are still recognised by their labels', async () => {
    const dir = tempDir('lab-upload-')
    const copies = ['t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'].map((f) => {
      const to = join(dir, `${randomUUID()}-${f}`)
      copyFileSync(join(DIR, f), to)
      return to
    })
    const done = await lab.datasetJobs.wait((await lab.call('datasets.import', { paths: copies })).jobId)
    expect(done.status, done.error ?? '').toBe('done')
    const d = await lab.call('datasets.get', { id: done.datasetId! })
    expect(d.name).toBe('Fashion-MNIST test')
    expect(d.classNames).toEqual(FASHION_MNIST_CLASSES)
  })

  test('PCA-20 of a 1 000-image subsample (the covariance path): variance explained in a sane range', async () => {
    const sub = await lab.datasetJobs.wait((await lab.call('datasets.transform', { id: trainId, transform: { op: 'subsample', n: 1000, seed: 0 } })).jobId)
    const started = Date.now()
    const p = await lab.datasetJobs.wait((await lab.call('datasets.transform', { id: sub.datasetId!, transform: { op: 'pca', components: 20 } })).jobId)
    expect(p.status, p.error ?? '').toBe('done')
    const d = await lab.call('datasets.get', { id: p.datasetId! })
    const ve = (d.spec as { varianceExplained: number }).varianceExplained
    // Fashion-MNIST's first 20 PCs hold ≈ 80 % of the pixel variance.
    expect(ve).toBeGreaterThan(0.7)
    expect(ve).toBeLessThan(0.9)
    expect(d.shape).toMatchObject({ n: 1000, sample: [20], dtype: 'float32' })
    console.log(`PCA-20 of 1 000 Fashion-MNIST images: ${(Date.now() - started) / 1000} s, variance explained ${(ve * 100).toFixed(1)} %`)
  })
})
