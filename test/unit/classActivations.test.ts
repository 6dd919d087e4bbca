/**
 * `runs.classActivations`: a finished training run's MLP, reloaded from its saved model, averaged per class
 * over the run's own split — checked against the same forward pass done by hand with tfjs.
 */
import { afterAll, describe, expect, test } from 'vitest'
import { tf } from '../../src-main/engine/compute/backend'
import { generateToy, splitIndices } from '../../src-main/engine/datasets/toy'
import { deriveSeed } from '../../src-shared/rng'
import { cleanupTempDirs, openLab, runToEnd, tempDir, TINY } from './helpers'

afterAll(cleanupTempDirs)

describe('runs.classActivations', () => {
  test('per-class means of every hidden layer equal a forward pass of the saved model', async () => {
    const lab = await openLab(tempDir())
    try {
      const run = await runToEnd(lab, TINY)
      expect(run.status).toBe('completed')
      const acts = await lab.call('runs.classActivations', { id: run.id, split: 'test', maxPerClass: 20 })
      expect(acts.classes).toHaveLength(2)
      expect(acts.counts).toEqual([20, 20])
      // 2 hidden tanh layers of 16 units: means inside (−1, 1), and the two classes differ somewhere.
      expect(acts.layers.map((l) => [l.mean.length, l.mean[0].length])).toEqual([[2, 16], [2, 16]])
      for (const l of acts.layers) for (const row of l.mean) for (const v of row) expect(Math.abs(v)).toBeLessThan(1)
      expect(acts.layers[1].mean[0].some((v, u) => Math.abs(v - acts.layers[1].mean[1][u]) > 1e-3)).toBe(true)

      // By hand: the run's own data and split, the saved weights, dense + tanh twice, averaged per class.
      const data = generateToy(TINY.dataset, deriveSeed(run.seed, 'data'))
      const split = splitIndices(data.n, TINY.dataset.testFraction, deriveSeed(run.seed, 'split'))
      const picked: number[][] = [[], []]
      for (const i of split.test) if (picked[data.y[i]].length < 20) picked[data.y[i]].push(i)
      const saved = JSON.parse(lab.store.runs.artifact(run.id, 'model.json')!.bytes.toString('utf8'))
      const w = Buffer.from(saved.weightData, 'base64')
      const model = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: saved.modelTopology, weightSpecs: saved.weightSpecs, weightData: w.buffer.slice(w.byteOffset, w.byteOffset + w.byteLength) }))
      const [k1, b1, k2, b2] = model.getWeights().map((t) => t.arraySync() as any)
      model.dispose()
      const layer = (input: number[], k: number[][], b: number[]) => b.map((bias, u) => Math.tanh(bias + input.reduce((s, v, j) => s + v * k[j][u], 0)))
      for (let c = 0; c < 2; c++) {
        const h1 = picked[c].map((i) => layer(Array.from(data.x.slice(i * data.dims, (i + 1) * data.dims)), k1, b1))
        const h2 = h1.map((h) => layer(h, k2, b2))
        for (let u = 0; u < 16; u++) {
          expect(acts.layers[0].mean[c][u]).toBeCloseTo(h1.reduce((s, h) => s + h[u], 0) / 20, 5)
          expect(acts.layers[1].mean[c][u]).toBeCloseTo(h2.reduce((s, h) => s + h[u], 0) / 20, 5)
        }
      }
      const train = await lab.call('runs.classActivations', { id: run.id, split: 'train', maxPerClass: 1000 })
      expect(train.counts!.reduce((a, b) => a + b, 0)).toBe(split.train.length)
    } finally {
      await lab.close()
    }
  })

  test('refuses runs it cannot read, with the reason', async () => {
    const lab = await openLab(tempDir())
    try {
      const queued = lab.store.runs.create({ experimentId: null, name: 'waiting', studyId: 'training', config: TINY, seed: 0 })
      await expect(lab.call('runs.classActivations', { id: queued.id, split: 'test', maxPerClass: 10 })).rejects.toThrow(/is queued/)
      lab.store.runs.finish(queued.id, 'completed')
      await expect(lab.call('runs.classActivations', { id: queued.id, split: 'test', maxPerClass: 10 })).rejects.toThrow(/no saved model/)
      await expect(lab.call('runs.classActivations', { id: 'nope', split: 'test', maxPerClass: 10 })).rejects.toThrow(/not found|no run/i)
    } finally {
      await lab.close()
    }
  })
})
