/**
 * The `blas` backend (wasm with its GEMM-shaped kernels on the native OpenBLAS addon) against the cpu backend's
 * reference kernels: forward values and gradients of dense and conv layers, every override and its fallbacks, whole
 * models, determinism, switching back to wasm, and the addon refusing bad calls instead of touching memory.
 * The addon is built by `npm install` (scripts/build-native.mjs); CI installs the compiler and OpenBLAS for it.
 */
import { afterAll, describe, expect, test } from 'vitest'
import type { Tensor } from '@tensorflow/tfjs'
import { getKernel } from '@tensorflow/tfjs'
import { resolveBackend, setComputeThreads, tf, useBackend } from '../../src-main/engine/compute/backend'
import { findBlasAddon, loadBlasAddon, NATIVE_KERNELS } from '../../src-main/engine/compute/blasKernels'
import { buildNetwork } from '../../src-main/engine/compute/network'
import { buildMlp, lossOf } from '../../src-main/engine/compute/mlp'
import { createOptimizer } from '../../src-main/engine/training/optimizers'
import { createRng } from '../../src-shared/rng'
import type { Layer } from '../../src-shared/studies/networkShapes'

/** Relative to the reference's magnitude: GEMMs sum in another order than the cpu backend's loops. */
const TOL = 2e-5

function randoms(n: number, seed: number): Float32Array {
  const rng = createRng(seed)
  return Float32Array.from({ length: n }, () => rng.next() * 2 - 1)
}

function expectClose(actual: Float32Array, expected: Float32Array, what: string): void {
  expect(actual.length, what).toBe(expected.length)
  let scale = 1
  for (const v of expected) scale = Math.max(scale, Math.abs(v))
  let worst = 0
  for (let i = 0; i < actual.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]))
  expect(worst / scale, what).toBeLessThan(TOL)
}

/** Run `fn` on a backend and return its outputs as plain arrays. */
async function on(backend: 'blas' | 'wasm' | 'cpu', fn: () => Tensor[]): Promise<Float32Array[]> {
  await useBackend(backend)
  const outs = tf.tidy(fn)
  const values = outs.map((t) => t.dataSync() as Float32Array)
  tf.dispose(outs)
  return values
}

async function matchesCpu(what: string, fn: () => Tensor[]): Promise<void> {
  const blas = await on('blas', fn)
  const cpu = await on('cpu', fn)
  expect(blas.length).toBe(cpu.length)
  blas.forEach((v, i) => expectClose(v, cpu[i], `${what} [${i}]`))
}

/** Gradients of Σ y·w (w a fixed non-uniform pattern) with respect to every input. */
function gradsOf(f: (...xs: Tensor[]) => Tensor, inputs: Tensor[]): Tensor[] {
  const g = tf.grads((...xs: Tensor[]) => {
    const y = f(...xs)
    return y.mul(tf.range(0, y.size).reshape(y.shape).mul(0.01).sin()).sum()
  })
  return [f(...inputs), ...g(inputs)]
}

afterAll(async () => {
  await useBackend('wasm')
})

describe('the blas backend', () => {
  test('the addon is built in this checkout and auto picks blas here, naming OpenBLAS and the native kernels', async () => {
    expect(findBlasAddon(), 'npm install builds native/blas (scripts/build-native.mjs)').not.toBeNull()
    const r = await resolveBackend('auto')
    const probe = r.probes.find((p) => p.name === 'blas')!
    expect(probe).toMatchObject({ available: true, accelerated: true })
    expect(probe.detail).toMatch(/^native BatchMatMul, _FusedMatMul, Conv2D, .* on (OpenBLAS \d+\.\d+\.\d+|Accelerate).*; every other kernel on wasm$/)
    // On x86-64 the kernel family is the CPU's own, never the SSE3 fallback OpenBLAS 0.3.21 takes for unknown Xeons.
    if (process.arch === 'x64' && process.platform === 'linux') expect(probe.detail).not.toContain('Prescott')
    if (!r.probes.slice(0, 2).some((p) => p.available)) expect(r.backend).toBe('blas')
  })

  test('matMul in every transpose combination, batched, broadcast and 1×1 equals the cpu backend, values and gradients', async () => {
    for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]] as const) {
      const a = randoms(7 * 5, 1)
      const b = randoms(5 * 3, 2)
      await matchesCpu(`matMul ${ta} ${tb}`, () =>
        gradsOf((x, y) => tf.matMul(x as any, y as any, ta, tb), [tf.tensor2d(a, ta ? [5, 7] : [7, 5]), tf.tensor2d(b, tb ? [3, 5] : [5, 3])])
      )
    }
    await matchesCpu('batched', () => gradsOf((x, y) => tf.matMul(x as any, y as any), [tf.tensor3d(randoms(4 * 6 * 5, 3), [4, 6, 5]), tf.tensor3d(randoms(4 * 5 * 2, 4), [4, 5, 2])]))
    // Forward only: tfjs's BatchMatMul gradient does not reduce a broadcast batch (on any backend).
    await matchesCpu('broadcast batch', () => [tf.matMul(tf.tensor3d(randoms(4 * 6 * 5, 5), [4, 6, 5]), tf.tensor3d(randoms(5 * 2, 6), [1, 5, 2]))])
    await matchesCpu('rank 4 with a broadcast (wasm fallback)', () => [tf.matMul(tf.tensor4d(randoms(2 * 3 * 4 * 5, 7), [2, 3, 4, 5]), tf.tensor4d(randoms(2 * 1 * 5 * 2, 8), [2, 1, 5, 2]))])
    await matchesCpu('1×1 and empty inner', () => [tf.matMul(tf.tensor2d([3], [1, 1]), tf.tensor2d([4], [1, 1])), tf.matMul(tf.zeros([2, 0]), tf.zeros([0, 3]))])
  })

  test('fused dense layers (bias + every native activation, and a PReLU fallback) equal the cpu backend', async () => {
    const x = randoms(9 * 6, 11)
    const w = randoms(6 * 4, 12)
    const bias = randoms(4, 13)
    for (const activation of ['linear', 'relu', 'relu6', 'elu', 'leakyrelu', 'sigmoid'] as const) {
      await matchesCpu(`fused ${activation}`, () =>
        gradsOf((a, b, c) => tf.fused.matMul({ a: a as any, b: b as any, bias: c, activation, leakyreluAlpha: 0.1 }), [tf.tensor2d(x, [9, 6]), tf.tensor2d(w, [6, 4]).mul(3), tf.tensor1d(bias)])
      )
    }
    await matchesCpu('fused prelu (wasm fallback)', () => [
      tf.fused.matMul({ a: tf.tensor2d(x, [9, 6]), b: tf.tensor2d(w, [6, 4]), bias: tf.tensor1d(bias), activation: 'prelu', preluActivationWeights: tf.tensor1d([0.1, 0.2, 0.3, 0.4]) })
    ])
    await matchesCpu('fused with a scalar bias, transposed', () => [tf.fused.matMul({ a: tf.tensor2d(x, [6, 9]), b: tf.tensor2d(w, [4, 6]), transposeA: true, transposeB: true, bias: tf.scalar(0.5), activation: 'relu' })])
  })

  const convCases: { x: [number, number, number, number]; k: [number, number]; co: number; s: number; pad: 'valid' | 'same'; d?: number }[] = [
    { x: [3, 9, 8, 2], k: [3, 3], co: 4, s: 1, pad: 'valid' },
    { x: [3, 9, 8, 2], k: [3, 3], co: 4, s: 2, pad: 'same' },
    { x: [2, 10, 10, 1], k: [5, 5], co: 3, s: 2, pad: 'valid' },
    { x: [2, 10, 11, 3], k: [2, 4], co: 2, s: 2, pad: 'same' },
    { x: [2, 6, 6, 5], k: [1, 1], co: 7, s: 1, pad: 'valid' }
  ]
  for (const c of convCases) {
    test(`conv2d forward, input and filter gradients: x ${c.x.join('×')}, kernel ${c.k.join('×')}, stride ${c.s}, ${c.pad}`, async () => {
      const fShape: [number, number, number, number] = [c.k[0], c.k[1], c.x[3], c.co]
      const xv = randoms(c.x.reduce((p, q) => p * q), 21)
      const fv = randoms(fShape.reduce((p, q) => p * q), 22)
      await matchesCpu('conv2d', () => gradsOf((x, f) => tf.conv2d(x as any, f as any, c.s, c.pad), [tf.tensor4d(xv, c.x), tf.tensor4d(fv, fShape)]))
    })
  }

  test('dilated and fused convolutions (bias + relu), and an NCHW-free fallback of conv with explicit padding', async () => {
    const xv = randoms(2 * 11 * 11 * 3, 31)
    const fv = randoms(3 * 3 * 3 * 4, 32)
    await matchesCpu('dilated', () => [tf.conv2d(tf.tensor4d(xv, [2, 11, 11, 3]), tf.tensor4d(fv, [3, 3, 3, 4]), 1, 'same', 'NHWC', 2)])
    await matchesCpu('explicit padding', () => [tf.conv2d(tf.tensor4d(xv, [2, 11, 11, 3]), tf.tensor4d(fv, [3, 3, 3, 4]), 2, [[0, 0], [1, 2], [2, 0], [0, 0]])])
    await matchesCpu('fused conv', () =>
      gradsOf((x, f, b) => tf.fused.conv2d({ x: x as any, filter: f as any, strides: 1, pad: 'valid', bias: b, activation: 'relu' }), [tf.tensor4d(xv, [2, 11, 11, 3]), tf.tensor4d(fv, [3, 3, 3, 4]), tf.tensor1d([0.1, -0.2, 0.3, 0])])
    )
  })

  test('max-pool gradient sends each output to the first maximum of its window, ties included (ReLU zeros)', async () => {
    // Values rounded to a few levels and clipped at zero: many windows hold equal maxima.
    const xv = randoms(2 * 9 * 9 * 3, 41).map((v) => Math.max(0, Math.round(v * 2) / 2))
    for (const [size, stride, pad] of [[2, 2, 'valid'], [3, 2, 'same'], [3, 1, 'valid']] as const) {
      await matchesCpu(`maxPool ${size}/${stride} ${pad}`, () => gradsOf((x) => tf.maxPool(x as any, size, stride, pad), [tf.tensor4d(xv, [2, 9, 9, 3])]))
    }
  })

  test('sums over leading axes are native, others fall back; bias adds broadcast over rows; identity shares data', async () => {
    const xv = randoms(4 * 5 * 6, 51)
    await matchesCpu('sums', () => {
      const x = tf.tensor3d(xv, [4, 5, 6])
      return [x.sum(0), x.sum([0, 1]), x.sum([1, 0], true), x.sum(), x.sum(2), x.sum([0, 2]), tf.tensor1d([1, 2, 3], 'int32').sum().toFloat()]
    })
    await matchesCpu('adds', () => {
      const x = tf.tensor3d(xv, [4, 5, 6])
      return [x.add(tf.tensor1d(randoms(6, 52))), x.add(x), x.add(tf.scalar(2)), x.add(tf.tensor2d(randoms(30, 53), [5, 6])), tf.tensor1d([1, 2], 'int32').add(tf.tensor1d([3, 4], 'int32')).toFloat()]
    })
    await useBackend('blas')
    const x = tf.tensor1d([1, 2, 3])
    const y = tf.clone(x) // the Identity kernel
    x.dispose()
    expect(Array.from(y.dataSync())).toEqual([1, 2, 3])
    y.dispose()
  })

  test('every weight gradient of an MLP and a CNN equals the cpu backend', async () => {
    const layers: Layer[] = [
      { type: 'conv2d', filters: 6, kernelSize: 3, strides: 1, padding: 'same', activation: 'relu' },
      { type: 'maxpool2d', poolSize: 2, strides: 2, padding: 'valid' },
      { type: 'conv2d', filters: 8, kernelSize: 3, strides: 2, padding: 'valid', activation: 'tanh' },
      { type: 'avgpool2d', poolSize: 2, strides: 1, padding: 'valid' },
      { type: 'dense', units: 12, activation: 'relu' }
    ]
    const xv = randoms(4 * 12 * 12, 61)
    const labels = [0, 1, 2, 1]
    const cnn = () => {
      const model = buildNetwork(tf, layers, [12, 12, 1], 3, 7)
      const y = tf.oneHot(tf.tensor1d(labels, 'int32'), 3).toFloat()
      const { value, grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(y, model.apply(tf.tensor4d(xv, [4, 12, 12, 1]), { training: true }) as Tensor) as any)
      const out = [value, ...model.trainableWeights.map((w) => grads[w.originalName])]
      model.dispose()
      return out
    }
    const mlp = () => {
      const model = buildMlp(tf, [{ units: 16, activation: 'relu' }, { units: 8, activation: 'tanh' }], 12, 3, 9)
      const y = tf.oneHot(tf.tensor1d(labels, 'int32'), 3).toFloat()
      const { value, grads } = tf.variableGrads(() => lossOf(tf, 'mse', model.apply(tf.tensor2d(xv.subarray(0, 48), [4, 12])) as Tensor, y))
      const out = [value, ...model.trainableWeights.map((w) => grads[w.originalName])]
      model.dispose()
      return out
    }
    await matchesCpu('cnn', cnn)
    await matchesCpu('mlp', mlp)
  })

  test('training is deterministic for a fixed seed on blas, at one thread and at two', async () => {
    const train = async (threads: number) => {
      await useBackend('blas')
      setComputeThreads('blas', threads)
      const model = buildMlp(tf, [{ units: 64, activation: 'relu' }], 20, 4, 3)
      const optimizer = createOptimizer(tf, { kind: 'sgd', learningRate: 0.05, momentum: 0 })
      const x = tf.tensor2d(randoms(256 * 20, 71), [256, 20])
      const y = tf.oneHot(tf.tensor1d(Array.from({ length: 256 }, (_, i) => i % 4), 'int32'), 4).toFloat()
      for (let i = 0; i < 20; i++) optimizer.minimize(() => lossOf(tf, 'softmax-cross-entropy', model.apply(x) as Tensor, y), false)
      const weights = model.getWeights().map((w) => Array.from(w.dataSync()))
      model.dispose()
      optimizer.dispose()
      tf.dispose([x, y])
      return weights
    }
    const first = await train(1)
    expect(await train(1)).toEqual(first)
    const two = await train(2)
    expect(await train(2)).toEqual(two)
    setComputeThreads('blas', 1)
  })

  test('useBackend("wasm") gives wasm its own kernels back, and blas installs its own again', async () => {
    await useBackend('blas')
    const native = NATIVE_KERNELS.map((k) => getKernel(k, 'wasm')!.kernelFunc)
    await useBackend('wasm')
    NATIVE_KERNELS.forEach((k, i) => expect(getKernel(k, 'wasm')!.kernelFunc, k).not.toBe(native[i]))
    const onWasm = await on('wasm', () => [tf.matMul(tf.tensor2d([1, 2, 3, 4], [2, 2]), tf.tensor2d([5, 6, 7, 8], [2, 2]))])
    expect(Array.from(onWasm[0])).toEqual([19, 22, 43, 50])
    await useBackend('blas')
    NATIVE_KERNELS.forEach((k, i) => expect(getKernel(k, 'wasm')!.kernelFunc, k).toBe(native[i]))
  })

  test('the addon refuses calls whose arrays do not hold their shapes, and wrong types, with a readable error', () => {
    const blas = loadBlasAddon()
    const a = new Float32Array(6)
    const c = new Float32Array(4)
    expect(() => blas.gemm(Int32Array.of(1, 1, 1, 2, 2, 4, 0, 0), a, a, c)).toThrow('lab_blas.gemm: an array is smaller than its shape')
    expect(() => blas.gemm(Int32Array.of(2, 3, 1, 2, 2, 3, 0, 0), a, a, c)).toThrow('batchA and batchB must be 1 or the batch')
    expect(() => blas.gemm(Int32Array.of(1, 1, 1, 2, 2, 3, 0, 0), a, [1, 2] as never, c)).toThrow('lab_blas: b must be a Float32Array')
    expect(() => blas.gemm(Int32Array.of(1, 1, 1, 2, -2, 3, 0, 0), a, a, c)).toThrow('must not be negative')
    expect(() => blas.gemm(Int32Array.of(1, 1), a, a, c)).toThrow('dims must be an Int32Array of 8 values')
    expect(() => blas.conv2d(Int32Array.of(1, 4, 4, 1, 2, 2, 1, 3, 3, 1, 1, 1, 1, 0, 0), new Float32Array(15), new Float32Array(9), new Float32Array(4))).toThrow('a convolution array is smaller than its shape')
    expect(() => blas.conv2d(Int32Array.of(1, 4, 4, 1, 2, 2, 1, 3, 3, 0, 1, 1, 1, 0, 0), new Float32Array(16), new Float32Array(9), new Float32Array(4))).toThrow('strides and dilations must be at least 1')
    expect(() => blas.setThreads(0)).toThrow('n must be between 1 and 1024')
    // Convolutions run their GEMMs on one thread and give the pool its size back, also when they throw.
    blas.setThreads(2)
    blas.conv2d(Int32Array.of(1, 4, 4, 1, 2, 2, 1, 3, 3, 1, 1, 1, 1, 0, 0), new Float32Array(16), new Float32Array(9), new Float32Array(4))
    expect(blas.threads()).toBe(2)
    expect(() => blas.conv2dBackpropFilter(Int32Array.of(1, 4, 4, 1, 2, 2, 1, 3, 3, 1, 1, 1, 1, 0, 0), new Float32Array(15), new Float32Array(4), new Float32Array(9))).toThrow('smaller than its shape')
    expect(blas.threads()).toBe(2)
    blas.setThreads(1)
    expect(() => (blas.gemm as any)()).toThrow('expected 4 arguments, got 0')
  })
})
