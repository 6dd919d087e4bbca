/** Shape inference of the training study's layer list (src-shared/studies/networkShapes.ts), and the schema check built on it. */
import { describe, expect, test } from 'vitest'
import { tf } from '../../src-main/engine/compute/backend'
import { buildNetwork, NetworkError } from '../../src-main/engine/compute/network'
import { buildMlp } from '../../src-main/engine/compute/mlp'
import { inferNetworkShapes, type Layer } from '../../src-shared/studies/networkShapes'
import { upgradeLayer } from '../../src-shared/network/layers'
import { validateConfig } from '../../src-shared/studies'
import { trainingDefaults, trainingTemplates, datasetMatchesHint } from '../../src-shared/studies/training'

/** Layers with the defaults of their type (kernel 3, strides 1 / the pool size, padding valid). */
const conv = (filters: number, extra: Record<string, unknown> = {}): Layer => upgradeLayer({ type: 'conv2d', filters, activation: 'relu', ...extra })
const pool = (extra: Record<string, unknown> = {}): Layer => upgradeLayer({ type: 'maxpool2d', ...extra })
const dense = (units: number, activation: 'relu' | 'tanh' = 'relu'): Layer => ({ type: 'dense', units, activation })

describe('inferNetworkShapes', () => {
  test('a CNN on 28×28×1 images: shapes, automatic flatten, output layer and parameter count', () => {
    const r = inferNetworkShapes([conv(16), pool(), conv(32), pool(), dense(64)], [28, 28, 1], 10)
    expect(r.ok).toBe(true)
    if (!r.ok) return
    expect(r.layers.map((l) => [l.index, l.type, l.auto, l.output, l.outputShape])).toEqual([
      [0, 'conv2d', false, false, [26, 26, 16]],
      [1, 'maxpool2d', false, false, [13, 13, 16]],
      [2, 'conv2d', false, false, [11, 11, 32]],
      [3, 'maxpool2d', false, false, [5, 5, 32]],
      [null, 'flatten', true, false, [800]], // automatic: dense after pooling
      [4, 'dense', false, false, [64]],
      [null, 'dense', false, true, [10]]
    ])
    expect(r.params).toBe(3 * 3 * 16 + 16 + (3 * 3 * 16 * 32 + 32) + (800 * 64 + 64) + (64 * 10 + 10))
  })

  test('same padding, strides, avg pooling, batch-norm, dropout, explicit flatten; the output layer flattens an image', () => {
    const r = inferNetworkShapes(
      [conv(8, { padding: 'same', strides: 2 }), { type: 'batchnorm', activation: 'relu' }, { type: 'avgpool2d', poolSize: 3, strides: 1, padding: 'same' }, { type: 'dropout', rate: 0.2 }],
      [9, 7, 3],
      4
    )
    expect(r.ok).toBe(true)
    if (!r.ok) return
    expect(r.layers.map((l) => l.outputShape)).toEqual([[5, 4, 8], [5, 4, 8], [5, 4, 8], [5, 4, 8], [160], [4]])
    expect(r.layers[4]).toMatchObject({ auto: true, type: 'flatten' })
    expect(r.layers[1].params).toBe(32)
    const f = inferNetworkShapes([conv(4), { type: 'flatten' }, dense(8)], [6, 6, 1], 2)
    expect(f.ok && f.layers.filter((l) => l.auto)).toEqual([]) // the user's flatten: none added
  })

  test('dense-only on flat inputs is the plain MLP', () => {
    const r = inferNetworkShapes([dense(16), dense(8)], [2], 2)
    expect(r.ok && r.layers.map((l) => l.outputShape)).toEqual([[16], [8], [2]])
  })

  test('invalid stacks name the layer and say what is wrong', () => {
    const cases: [Layer[], number[], number | null, RegExp][] = [
      [[dense(8), conv(4)], [8, 8, 1], 1, /^layer 2 \(conv2d\) needs an image input \[H, W, C\], but it follows a dense layer, so its input is flat \[8\]/],
      [[conv(4), { type: 'flatten' }, pool()], [8, 8, 1], 2, /^layer 3 \(maxpool2d\) needs an image input .* follows a flatten layer/],
      [[conv(4)], [784], 0, /^layer 1 \(conv2d\) needs an image input \[H, W, C\], but the dataset's samples are flat vectors \[784\]/],
      [[conv(4, { kernelSize: 7 })], [5, 5, 1], 0, /^layer 1 \(conv2d\): kernel 7×7 is larger than its input 5×5×1/],
      [[conv(4), pool(), pool(), pool()], [8, 8, 1], 3, /^layer 4 \(maxpool2d\): pool window 2×2 is larger than its input 1×1×4/],
      [[dense(4)], [3, 3], null, /neither flat vectors \[d\] nor images/]
    ]
    for (const [layers, input, index, message] of cases) {
      const r = inferNetworkShapes(layers, input, 10)
      expect(r.ok, message.source).toBe(false)
      if (r.ok) continue
      expect(r.layerIndex).toBe(index)
      expect(r.message).toMatch(message)
    }
  })

  test('the engine builds exactly the inferred shapes, and refuses what inference refuses', () => {
    const layers: Layer[] = [conv(4, { padding: 'same', strides: 2 }), { type: 'batchnorm', activation: 'leaky-relu' }, pool(), { type: 'dropout', rate: 0.5 }, dense(8)]
    const shapes = inferNetworkShapes(layers, [10, 10, 2], 3)
    const model = buildNetwork(tf, layers, [10, 10, 2], 3, 1)
    expect(model.outputShape).toEqual([null, 3])
    expect(model.countParams()).toBe(shapes.ok && shapes.params)
    model.dispose()
    expect(() => buildNetwork(tf, [dense(8), conv(4)], [8, 8, 1], 2, 1)).toThrow(NetworkError)
    expect(() => buildNetwork(tf, [dense(8), conv(4)], [8, 8, 1], 2, 1)).toThrow(/layer 2 \(conv2d\)/)
  })

  test('buildMlp is the dense case of buildNetwork with the same seeded weights', () => {
    const a = buildMlp(tf, [{ type: 'dense', units: 5, activation: 'tanh' }], 3, 2, 9)
    const b = buildNetwork(tf, [dense(5, 'tanh')], [3], 2, 9)
    const wa = a.getWeights().map((w) => Array.from(w.dataSync()))
    expect(b.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(wa)
    a.dispose()
    b.dispose()
  })
})

describe('training schema and templates', () => {
  test('conv layers on a toy (flat) dataset are refused at validation, naming the layer', () => {
    const r = validateConfig('training', { ...trainingDefaults, network: { form: 'layers', layers: [conv(4)] } })
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.problems).toEqual([{ path: 'network.layers.0', message: expect.stringMatching(/^layer 1 \(conv2d\) needs an image input/) }])
  })

  test('CNN templates: MNIST names the built-in dataset; Fashion-MNIST asks for one with a hint that matches an import', () => {
    const mnist = trainingTemplates.find((t) => t.id === 'training/mnist-cnn')!
    expect(validateConfig('training', mnist.config).ok).toBe(true)
    expect(mnist.config.dataset).toMatchObject({ kind: 'stored', datasetId: 'builtin-mnist' })
    const fashion = trainingTemplates.find((t) => t.id === 'training/fashion-mnist-cnn')!
    const r = validateConfig('training', fashion.config)
    expect(r.ok === false && r.problems).toEqual([{ path: 'dataset.datasetId', message: 'choose a dataset from the library' }])
    const hint = fashion.datasetHint!
    const shape = { n: 60000, sample: [28, 28, 1], dtype: 'uint8' as const, task: 'classification' as const, classes: 10, targets: 1 }
    expect(datasetMatchesHint(hint, { name: 'Fashion-MNIST (train)', shape })).toBe(true)
    expect(datasetMatchesHint(hint, { name: 'MNIST', shape })).toBe(false)
    expect(datasetMatchesHint(hint, { name: 'fashion flat', shape: { ...shape, sample: [784] } })).toBe(false)
    for (const t of [mnist, fashion]) expect(t.config.network.form === 'layers' && inferNetworkShapes(t.config.network.layers, [28, 28, 1], 10).ok).toBe(true)
  })
})
