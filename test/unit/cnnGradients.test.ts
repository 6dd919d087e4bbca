/**
 * The wasm backend's Conv2DBackpropFilter (ours, src-main/engine/compute/wasmKernels.ts) against the cpu
 * backend's reference: the same seeded inputs, one process, switching backends between the two sides.
 */
import { afterAll, describe, expect, test } from 'vitest'
import type { Tensor } from '@tensorflow/tfjs'
import { tf, useBackend } from '../../src-main/engine/compute/backend'
import { buildNetwork } from '../../src-main/engine/compute/network'
import { createRng } from '../../src-shared/rng'
import type { Layer } from '../../src-shared/studies/networkShapes'

const TOL = 1e-4

function randoms(n: number, seed: number): Float32Array {
  const rng = createRng(seed)
  return Float32Array.from({ length: n }, () => rng.next() * 2 - 1)
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length)
  let m = 0
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]))
  return m
}

/** Run `fn` on a backend and return its outputs as plain arrays. */
async function on(backend: 'wasm' | 'cpu', fn: () => Tensor[]): Promise<Float32Array[]> {
  await useBackend(backend)
  const outs = tf.tidy(fn)
  const values = outs.map((t) => t.dataSync() as Float32Array)
  tf.dispose(outs)
  return values
}

afterAll(async () => {
  await useBackend('wasm')
})

describe('wasm CNN gradients equal the cpu backend', () => {
  const cases: { x: [number, number, number, number]; k: [number, number]; co: number; s: number; pad: 'valid' | 'same' }[] = [
    { x: [3, 9, 8, 2], k: [3, 3], co: 4, s: 1, pad: 'valid' },
    { x: [3, 9, 8, 2], k: [3, 3], co: 4, s: 2, pad: 'valid' },
    { x: [3, 9, 8, 2], k: [3, 3], co: 4, s: 1, pad: 'same' },
    { x: [3, 9, 8, 2], k: [3, 3], co: 4, s: 2, pad: 'same' },
    { x: [2, 10, 10, 1], k: [5, 5], co: 3, s: 2, pad: 'valid' },
    { x: [2, 10, 11, 3], k: [2, 4], co: 2, s: 2, pad: 'same' }
  ]
  for (const c of cases) {
    test(`conv2d filter and input gradients: x ${c.x.join('×')}, kernel ${c.k.join('×')}, stride ${c.s}, ${c.pad}`, async () => {
      const fShape: [number, number, number, number] = [c.k[0], c.k[1], c.x[3], c.co]
      const xv = randoms(c.x.reduce((a, b) => a * b), 1)
      const fv = randoms(fShape.reduce((a, b) => a * b), 2)
      const grads = () => {
        const x = tf.tensor4d(xv, c.x)
        const f = tf.tensor4d(fv, fShape)
        // A non-uniform upstream gradient: weight the outputs by a fixed pattern.
        const g = tf.grads((a: Tensor, b: Tensor) => {
          const y = tf.conv2d(a as any, b as any, c.s, c.pad)
          const w = tf.range(0, y.size).reshape(y.shape).mul(0.01).sin()
          return y.mul(w).sum()
        })
        return g([x, f])
      }
      const [wasmDx, wasmDf] = await on('wasm', grads)
      const [cpuDx, cpuDf] = await on('cpu', grads)
      expect(maxAbsDiff(wasmDf, cpuDf)).toBeLessThan(TOL)
      expect(maxAbsDiff(wasmDx, cpuDx)).toBeLessThan(TOL)
    })
  }

  test('every weight gradient of a CNN (conv, batch-norm, max/avg pooling, dropout, dense) matches', async () => {
    const layers: Layer[] = [
      { type: 'conv2d', filters: 6, kernelSize: 3, strides: 1, padding: 'same', activation: 'relu' },
      { type: 'batchnorm', activation: 'relu' },
      { type: 'maxpool2d', poolSize: 2, strides: 2, padding: 'valid' },
      { type: 'conv2d', filters: 8, kernelSize: 3, strides: 2, padding: 'valid', activation: 'tanh' },
      { type: 'avgpool2d', poolSize: 2, strides: 1, padding: 'valid' },
      { type: 'dropout', rate: 0.3 },
      { type: 'dense', units: 12, activation: 'leaky-relu' }
    ]
    const xv = randoms(4 * 12 * 12 * 1, 3)
    const labels = [0, 1, 2, 1]
    const grads = () => {
      const model = buildNetwork(tf, layers, [12, 12, 1], 3, 7)
      const x = tf.tensor4d(xv, [4, 12, 12, 1])
      const y = tf.oneHot(tf.tensor1d(labels, 'int32'), 3).toFloat()
      const { value, grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as Tensor) as any)
      const out = [value, ...model.trainableWeights.map((w) => grads[w.originalName])]
      model.dispose()
      return out
    }
    const wasm = await on('wasm', grads)
    const cpu = await on('cpu', grads)
    expect(wasm).toHaveLength(1 + 2 + 2 + 2 + 2 + 2) // loss, 2 conv, bn, dense, output
    for (let i = 0; i < wasm.length; i++) expect(maxAbsDiff(wasm[i], cpu[i]), `tensor ${i}`).toBeLessThan(TOL)
  })
})
