/**
 * The registry probes (weight-histogram, gradient-rms, activation-stats, confusion, weight-entropy) driven through the real
 * trainer on real tfjs (wasm): their values against ones computed by hand in plain JS from weights set
 * explicitly, when they log (epoch 0, every N, the last), that they never change a run's numbers (dropout and
 * batch-norm included), that they leave no tensor behind, and that each skip says why in 'warnings/probes'.
 */
import type { LayersModel, Tensor } from '@tensorflow/tfjs'
import { beforeAll, describe, expect, test } from 'vitest'
import { tf, useBackend } from '../../src-main/engine/compute/backend'
import { buildGraphNetwork } from '../../src-main/engine/compute/graphNetwork'
import { lossOf } from '../../src-main/engine/compute/mlp'
import { buildNetwork } from '../../src-main/engine/compute/network'
import { PROBE_IMPLS, setupProbes } from '../../src-main/engine/probes'
import type { RunContext } from '../../src-main/engine/studies/context'
import type { Source } from '../../src-main/engine/training/data'
import { train, type Member } from '../../src-main/engine/training/trainer'
import { conv2d, dense, maxpool2d, type Layer } from '../../src-shared/network/layers'
import type { NetworkGraph } from '../../src-shared/network/spec'
import type { HeatmapPayload, HistogramPayload, ImageGridPayload } from '../../src-shared/outputs/payloads'
import { PROBES, type ProbeEntry } from '../../src-shared/probes'
import { createRng, deriveSeed } from '../../src-shared/rng'

beforeAll(async () => {
  await useBackend('wasm')
})

// ── data, networks and a recorded run ──

function flatSource(n: number, dims: number, classes: number, seed: number): Source {
  const rng = createRng(seed)
  return {
    x: Float32Array.from({ length: n * dims }, () => rng.next()),
    labels: Int32Array.from({ length: n }, () => rng.int(classes)),
    n,
    sample: [dims],
    dims,
    classes,
    scale: 1,
    label: 'test data',
    stored: false,
    classNames: null
  }
}

/** 4×4 grey images as stored bytes (scaled by 1/255 when gathered), three named classes. */
function imageSource(n: number, seed: number): Source {
  const rng = createRng(seed)
  return {
    x: Uint8Array.from({ length: n * 16 }, () => rng.int(256)),
    labels: Int32Array.from({ length: n }, () => rng.int(3)),
    n,
    sample: [4, 4, 1],
    dims: 16,
    classes: 3,
    scale: 1 / 255,
    label: 'dataset "tiny images"',
    stored: true,
    classNames: ['cat', 'dog', 'emu']
  }
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i)

/** Set a model's weights from plain arrays (in getWeights order). */
function setWeights(model: LayersModel, values: number[][]): void {
  const shapes = model.getWeights().map((w) => w.shape)
  const tensors = values.map((v, i) => tf.tensor(v, shapes[i]))
  model.setWeights(tensors)
  tf.dispose(tensors)
}

const weightsOf = (model: LayersModel) => model.getWeights().map((w) => Array.from(w.dataSync()))

interface Recorded {
  scalars: Record<string, [number, number][]>
  series: Record<string, [number, any][]>
}

interface RunOptions {
  source: Source
  model: LayersModel
  probes: ProbeEntry[]
  trainRows: number[]
  testRows: number[]
  valRows?: number[]
  epochs?: number
  batchSize?: number
  loss?: 'mse' | 'softmax-cross-entropy'
  member?: Partial<Member>
  seed?: number
}

const RUN_SEED = 11

/** One run of the real trainer with a recording RunContext (like trainerGolden.test.ts's `record`). */
async function run(o: RunOptions): Promise<Recorded & { stepsPerEpoch: number }> {
  const rec: Recorded = { scalars: {}, series: {} }
  const seed = o.seed ?? RUN_SEED
  const ctx: RunContext = {
    tf,
    runId: 'probes',
    config: {},
    seed,
    rng: createRng(seed),
    backend: 'wasm',
    log: (key, step, value) => void (rec.scalars[key] ??= []).push([step, value]),
    logSeries: (key, step, payload) => void (rec.series[key] ??= []).push([step, structuredClone(payload)]),
    artifact: () => {},
    progress: () => {},
    aborted: false
  }
  const loss = o.loss ?? 'mse'
  const batchSize = o.batchSize ?? 10
  await train({
    ctx,
    source: o.source,
    trainRows: o.trainRows,
    evalSets: [
      { split: 'train', rows: o.trainRows, chunk: null },
      ...(o.valRows ? [{ split: 'val' as const, rows: o.valRows, chunk: null }] : []),
      { split: 'test', rows: o.testRows, chunk: 7 }
    ],
    members: [
      { prefix: '', name: '', model: o.model, optimizer: { kind: 'sgd', learningRate: 0.05, momentum: 0.9 }, loss: (out, y) => lossOf(tf, loss, out, y), lossName: loss, accuracy: 'argmax', ...o.member }
    ],
    epochs: o.epochs ?? 2,
    batchSize,
    shuffleSeed: 5,
    logEvery: 1,
    probes: o.probes
  })
  return { ...rec, stepsPerEpoch: Math.ceil(o.trainRows.length / batchSize) }
}

const probe = (id: string, every: number, params: object): ProbeEntry => ({ id, every, params })
const ALL_PROBES = (every: number): ProbeEntry[] => [
  probe('weight-histogram', every, { bins: 8, biases: true }),
  probe('gradient-rms', every, { samples: 16 }),
  probe('activation-stats', every, { samples: 16 }),
  probe('confusion', every, { split: 'test', maxImages: 4 }),
  probe('weight-entropy', every, { bits: 4, fraction: 0.5 }),
  probe('output-delta', every, { samples: 16, bins: 8 }),
  probe('softmax-normaliser', every, { samples: 16 }),
  probe('entropy-gradient', every, { bits: 4, fraction: 0.5, samples: 16 }),
  probe('lsd', every, { samples: 16, maxFeatures: 1024 }),
  probe('hyz', every, { samples: 16 }),
  probe('kred', every, { samples: 16, maxFeatures: 1024, ks: [2, 3], chunk: 0 }),
  probe('layer-pca', every, { samples: 16, maxFeatures: 1024, classes: [0, 1], layers: [] }),
  probe('voronoi', every, { samples: 16, maxFeatures: 1024, layer: 0 })
]

/** The value logged at a step (the last one logged there). */
const at = (points: [number, number][] | undefined, step: number) => points?.filter(([s]) => s === step).at(-1)?.[1]

// ── plain-JS forward passes ──

/** x (n × a, row-major) · W (a × b) + bias. */
function affine(x: number[][], w: number[], bias: number[]): number[][] {
  const b = bias.length
  return x.map((row) => bias.map((bj, j) => row.reduce((s, v, k) => s + v * w[k * b + j], bj)))
}
const relu = (m: number[][]) => m.map((r) => r.map((v) => Math.max(0, v)))
const rowsOf = (src: Source, rows: number[]) => rows.map((r) => Array.from(src.x.subarray(r * src.dims, (r + 1) * src.dims), (v) => v * src.scale))
const meanStd = (values: number[]) => {
  const mean = values.reduce((a, b) => a + b, 0) / values.length
  return { mean, std: Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length) }
}
const argmax = (r: number[]) => r.indexOf(Math.max(...r))

// ── the registry ──

test('every registered probe has an engine implementation and every implementation a descriptor', () => {
  expect([...PROBE_IMPLS.keys()].sort()).toEqual(PROBES.map((p) => p.id).sort())
  for (const p of PROBES) expect(PROBE_IMPLS.get(p.id)!.descriptor).toBe(p)
})

// ── weight-histogram ──

describe('weight-histogram', () => {
  test('one histogram per kernel and bias: counts sum to the weights, edges span [min, max], mean and std exact', async () => {
    const src = flatSource(30, 4, 3, 1)
    const model = buildNetwork(tf, [dense(5, 'relu')], [4], 3, 1)
    const r = await run({ source: src, model, probes: [probe('weight-histogram', 1, { bins: 7, biases: true })], trainRows: range(0, 20), testRows: range(20, 30) })
    expect(Object.keys(r.series).sort()).toEqual(['weight-histogram/dense1', 'weight-histogram/dense1.bias', 'weight-histogram/output', 'weight-histogram/output.bias'])
    const last = 2 * r.stepsPerEpoch
    // The last probe ran after the last step: the model's weights now are the ones it measured.
    const [k1, b1, k2, b2] = weightsOf(model)
    const cases: [string, number[]][] = [['dense1', k1], ['dense1.bias', b1], ['output', k2], ['output.bias', b2]]
    for (const [label, values] of cases) {
      const h = r.series[`weight-histogram/${label}`].find(([s]) => s === last)![1] as HistogramPayload
      const min = Math.min(...values)
      const max = Math.max(...values)
      expect(h.edges).toHaveLength(8)
      expect(h.counts.reduce((a, b) => a + b, 0)).toBe(values.length)
      expect([h.edges[0], h.edges[7], h.min, h.max]).toEqual([min, max, min, max])
      // Counted independently: a value belongs to the last edge at or below it (the max to the last bin).
      const counts = new Array(7).fill(0)
      for (const v of values) counts[Math.min(6, h.edges.filter((e) => e <= v).length - 1)]++
      expect(h.counts).toEqual(counts)
      const { mean, std } = meanStd(values)
      expect(h.mean).toBeCloseTo(mean, 6)
      expect(h.std).toBeCloseTo(std, 6)
    }
    // Epoch 0: the biases are all zero; one bin holds them all, the range still has width.
    const zero = r.series['weight-histogram/dense1.bias'][0]
    expect(zero[0]).toBe(0)
    expect(zero[1].counts.reduce((a: number, b: number) => a + b, 0)).toBe(5)
    expect(zero[1].counts.filter((c: number) => c > 0)).toEqual([5])
    expect([zero[1].min, zero[1].max, zero[1].edges[0] < 0, zero[1].edges[7] > 0]).toEqual([0, 0, true, true])
  })

  test('without biases, batch-norm histograms its scale γ; only at due epochs: 0, every N, the last', async () => {
    const src = flatSource(30, 4, 3, 2)
    const model = buildNetwork(tf, [dense(5, 'relu'), { type: 'batchnorm', activation: 'linear' }], [4], 3, 1)
    const r = await run({ source: src, model, probes: [probe('weight-histogram', 2, { bins: 5, biases: false })], trainRows: range(0, 20), testRows: range(20, 30), epochs: 5 })
    expect(Object.keys(r.series).sort()).toEqual(['weight-histogram/batchnorm1', 'weight-histogram/dense1', 'weight-histogram/output'])
    const s = r.stepsPerEpoch
    for (const points of Object.values(r.series)) expect(points.map(([step]) => step)).toEqual([0, 2 * s, 4 * s, 5 * s])
    // γ starts at 1 for all 5 features.
    expect(r.series['weight-histogram/batchnorm1'][0][1]).toMatchObject({ min: 1, max: 1, mean: 1, std: 0 })
  })
})

// ── gradient-rms ──

/**
 * The gradient of the mean squared error of x → relu(x·W1 + b1)·W2 + b2 (hidden h, k outputs) against one-hot
 * labels, by hand: RMS over the entries of ∂L/∂W1 and ∂L/∂W2.
 */
function mlpGradientRms(x: number[][], labels: number[], [w1, b1, w2, b2]: number[][], k: number): [number, number] {
  const n = x.length
  const z = affine(x, w1, b1)
  const h = relu(z)
  const out = affine(h, w2, b2)
  const dOut = out.map((row, i) => row.map((v, c) => (2 * (v - (labels[i] === c ? 1 : 0))) / (n * k)))
  const units = b1.length
  const dims = x[0].length
  const gW2 = new Array(units * k).fill(0)
  const gW1 = new Array(dims * units).fill(0)
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < units; j++) {
      for (let c = 0; c < k; c++) gW2[j * k + c] += h[i][j] * dOut[i][c]
      if (z[i][j] <= 0) continue
      const dz = dOut[i].reduce((s, g, c) => s + g * w2[j * k + c], 0)
      for (let a = 0; a < dims; a++) gW1[a * units + j] += x[i][a] * dz
    }
  }
  const rms = (g: number[]) => Math.sqrt(g.reduce((s, v) => s + v * v, 0) / g.length)
  return [rms(gW1), rms(gW2)]
}

const MLP_WEIGHTS = [
  [0.5, -0.3, 0.8, -0.6, 0.9, 0.1, 0.2, -0.7, 0.4], // W1 3 × 3
  [0.05, -0.1, 0.2],
  [0.3, -0.5, 0.7, 0.1, -0.2, 0.6], // W2 3 × 2
  [0.1, -0.05]
]

describe('gradient-rms', () => {
  test('the RMS of ∂loss/∂kernel per layer equals the hand-computed gradient, over all rows when samples exceed them', async () => {
    const src = flatSource(80, 3, 2, 3)
    const trainRows = range(0, 70)
    const [g1, g2] = mlpGradientRms(rowsOf(src, trainRows), trainRows.map((i) => src.labels[i]), MLP_WEIGHTS, 2)
    expect(g1).toBeGreaterThan(1e-3)
    // The network's own inference: model.apply by default, model.predict (batches of 32) where a study says so.
    for (const predict of [false, true]) {
      const model = buildNetwork(tf, [dense(3, 'relu')], [3], 2, 1)
      setWeights(model, MLP_WEIGHTS)
      const member = predict ? { infer: (x: Tensor) => model.predict(x) as Tensor } : {}
      const r = await run({ source: src, model, member, probes: [probe('gradient-rms', 1, { samples: 1000 })], trainRows, testRows: range(70, 80) })
      expect(Object.keys(r.scalars).filter((k) => k.startsWith('gradient-rms/')).sort()).toEqual(['gradient-rms/dense1', 'gradient-rms/output'])
      expect(at(r.scalars['gradient-rms/dense1'], 0), `predict ${predict}`).toBeCloseTo(g1, 6)
      expect(at(r.scalars['gradient-rms/output'], 0), `predict ${predict}`).toBeCloseTo(g2, 6)
      model.dispose()
    }
  })

  test('a fixed seeded subset of the training rows (seed of the probe), and chunks of 500 weighted by their share', async () => {
    const src = flatSource(1300, 3, 2, 4)
    const trainRows = range(0, 1200)
    for (const samples of [7, 1200]) {
      const model = buildNetwork(tf, [dense(3, 'relu')], [3], 2, 1)
      setWeights(model, MLP_WEIGHTS)
      const r = await run({ source: src, model, probes: [probe('gradient-rms', 1, { samples })], trainRows, testRows: range(1200, 1300), epochs: 1, batchSize: 400 })
      const subset = createRng(deriveSeed(RUN_SEED, 'probe/gradient-rms/')).shuffle(trainRows.slice()).slice(0, samples)
      const [g1, g2] = mlpGradientRms(rowsOf(src, subset), subset.map((i) => src.labels[i]), MLP_WEIGHTS, 2)
      expect(at(r.scalars['gradient-rms/dense1'], 0), `${samples} samples`).toBeCloseTo(g1, 6)
      expect(at(r.scalars['gradient-rms/output'], 0), `${samples} samples`).toBeCloseTo(g2, 6)
      model.dispose()
    }
  })
})

// ── weight-entropy ──

/** H of the values quantised to M bits by the thesis's formula, counted here independently of src-shared/compression. */
function entropyByHand(values: number[], bits: number): number {
  const min = Math.min(...values)
  const max = Math.max(...values)
  const bins = 2 ** bits
  const counts = new Array(bins).fill(0)
  for (const w of values) counts[max > min ? Math.min(bins - 1, Math.max(0, Math.floor((bins * (w - min)) / (max - min)))) : 0]++
  return -counts.filter((c) => c > 0).reduce((h, c) => h + (c / values.length) * Math.log2(c / values.length), 0)
}

describe('weight-entropy', () => {
  test('F = 1: the entropy of every kernel quantised to M bits, at epoch 0 and after the last step, within [0, M]', async () => {
    const src = flatSource(30, 20, 3, 21)
    const model = buildNetwork(tf, [dense(40, 'tanh')], [20], 3, 1)
    const [k1, , k2] = weightsOf(model)
    const r = await run({ source: src, model, probes: [probe('weight-entropy', 1, { bits: 3, fraction: 1 })], trainRows: range(0, 20), testRows: range(20, 30) })
    expect(Object.keys(r.scalars).filter((k) => k.startsWith('weight-entropy/')).sort()).toEqual(['weight-entropy/dense1', 'weight-entropy/output'])
    const last = 2 * r.stepsPerEpoch
    const [f1, , f2] = weightsOf(model)
    expect(at(r.scalars['weight-entropy/dense1'], 0)).toBeCloseTo(entropyByHand(k1, 3), 12)
    expect(at(r.scalars['weight-entropy/output'], 0)).toBeCloseTo(entropyByHand(k2, 3), 12)
    expect(at(r.scalars['weight-entropy/dense1'], last)).toBeCloseTo(entropyByHand(f1, 3), 12)
    expect(at(r.scalars['weight-entropy/output'], last)).toBeCloseTo(entropyByHand(f2, 3), 12)
    for (const label of ['dense1', 'output']) {
      for (const [, h] of r.scalars[`weight-entropy/${label}`]) expect(h).toBeGreaterThan(0.5), expect(h).toBeLessThanOrEqual(3)
    }
    model.dispose()
  })

  test('defaults (M = 4, F = 3 %): the probe\'s seeded sample of each kernel, only at due epochs, none for batch-norm', async () => {
    const src = flatSource(30, 20, 3, 22)
    const model = buildNetwork(tf, [dense(40, 'relu'), { type: 'batchnorm', activation: 'linear' }], [20], 3, 1)
    const r = await run({ source: src, model, probes: [probe('weight-entropy', 2, PROBES.find((p) => p.id === 'weight-entropy')!.defaults)], trainRows: range(0, 20), testRows: range(20, 30), epochs: 5 })
    const keys = Object.keys(r.scalars).filter((k) => k.startsWith('weight-entropy/')).sort()
    expect(keys).toEqual(['weight-entropy/dense1', 'weight-entropy/output'])
    const s = r.stepsPerEpoch
    for (const k of keys) {
      expect(r.scalars[k].map(([step]) => step)).toEqual([0, 2 * s, 4 * s, 5 * s])
      for (const [, h] of r.scalars[k]) expect(h).toBeGreaterThanOrEqual(0), expect(h).toBeLessThanOrEqual(4)
    }
    // 3 % of the 800 weights of dense1 (24 of them, at positions seeded by the probe and the layer), by hand.
    const kernel = weightsOf(model)[0]
    const probeSeed = deriveSeed(RUN_SEED, 'probe/weight-entropy/')
    const layerSeed = deriveSeed(probeSeed, 'dense1')
    const rng = createRng(layerSeed)
    const order = range(0, kernel.length)
    const sample: number[] = []
    for (let i = 0; i < 24; i++) {
      const j = i + rng.int(kernel.length - i)
      ;[order[i], order[j]] = [order[j], order[i]]
      sample.push(kernel[order[i]])
    }
    const min = Math.min(...kernel)
    const max = Math.max(...kernel)
    const counts = new Array(16).fill(0)
    for (const w of sample) counts[Math.min(15, Math.floor((16 * (w - min)) / (max - min)))]++
    const expected = -counts.filter((c) => c > 0).reduce((h, c) => h + (c / 24) * Math.log2(c / 24), 0)
    expect(at(r.scalars['weight-entropy/dense1'], 5 * s)).toBeCloseTo(expected, 12)
    model.dispose()
  })
})

// ── activation-stats ──

describe('activation-stats', () => {
  test('a Sequential MLP: mean, std and dead ReLU units per layer as computed by hand', async () => {
    const src = flatSource(40, 3, 2, 5)
    const model = buildNetwork(tf, [dense(3, 'relu'), { type: 'dropout', rate: 0.5 }], [3], 2, 1)
    // Hidden unit 1 has negative weights and bias on inputs in [0, 1): it is ≤ 0 for every example.
    const weights = [[0.5, -0.3, 0.8, -0.6, -0.9, 0.1, 0.2, -0.7, 0.4], [0.05, -0.1, 0.2], MLP_WEIGHTS[2], MLP_WEIGHTS[3]]
    setWeights(model, weights)
    const trainRows = range(0, 30)
    const r = await run({ source: src, model, probes: [probe('activation-stats', 1, { samples: 100 })], trainRows, testRows: range(30, 40) })
    const keys = Object.keys(r.scalars).filter((k) => k.startsWith('activation-stats/'))
    // Dropout is left out (the identity in inference mode); the output layer is linear: no dead units.
    expect(keys.sort()).toEqual(['activation-stats/dense1/dead', 'activation-stats/dense1/mean', 'activation-stats/dense1/std', 'activation-stats/output/mean', 'activation-stats/output/std'])
    const hidden = relu(affine(rowsOf(src, trainRows), weights[0], weights[1]))
    const out = affine(hidden, weights[2], weights[3])
    const h = meanStd(hidden.flat())
    const o = meanStd(out.flat())
    expect(at(r.scalars['activation-stats/dense1/mean'], 0)).toBeCloseTo(h.mean, 5)
    expect(at(r.scalars['activation-stats/dense1/std'], 0)).toBeCloseTo(h.std, 5)
    expect(at(r.scalars['activation-stats/output/mean'], 0)).toBeCloseTo(o.mean, 5)
    expect(at(r.scalars['activation-stats/output/std'], 0)).toBeCloseTo(o.std, 5)
    const dead = [0, 1, 2].filter((j) => hidden.every((row) => row[j] <= 0)).length / 3
    expect(dead).toBeCloseTo(1 / 3, 10)
    expect(at(r.scalars['activation-stats/dense1/dead'], 0)).toBeCloseTo(dead, 10)
  })

  test('a functional graph (activation and add layers) gives the same numbers as its hand-computed forward pass, in chunks', async () => {
    // in → d (dense, linear) → act (ReLU) → sum = d + act → out
    const graph: NetworkGraph = {
      nodes: [
        { id: 'in', type: 'input', params: {} },
        { id: 'd', type: 'dense', params: { units: 3, activation: 'linear' } },
        { id: 'act', type: 'activation', params: { activation: 'relu' } },
        { id: 'sum', type: 'add', params: {} },
        { id: 'out', type: 'output', params: {} }
      ],
      edges: [
        { from: 'in', to: 'd' },
        { from: 'd', to: 'act' },
        { from: 'd', to: 'sum' },
        { from: 'act', to: 'sum' },
        { from: 'sum', to: 'out' }
      ]
    }
    const src = flatSource(1200, 3, 2, 6)
    const model = buildGraphNetwork(tf, graph, [3], 2, 1)
    const weights = [[0.5, -0.3, 0.8, -0.6, -0.9, 0.1, 0.2, -0.7, 0.4], [0.05, -0.1, 0.2], MLP_WEIGHTS[2], MLP_WEIGHTS[3]]
    setWeights(model, weights)
    const trainRows = range(0, 1100)
    const r = await run({ source: src, model, probes: [probe('activation-stats', 1, { samples: 1100 })], trainRows, testRows: range(1100, 1200), epochs: 1, batchSize: 550 })
    const labels = [...new Set(Object.keys(r.scalars).filter((k) => k.startsWith('activation-stats/')).map((k) => k.split('/')[1]))]
    expect(labels.sort()).toEqual(['activation1', 'add1', 'dense1', 'output'])
    const z = affine(rowsOf(src, trainRows), weights[0], weights[1])
    const a = relu(z)
    const s = z.map((row, i) => row.map((v, j) => v + a[i][j]))
    const out = affine(s, weights[2], weights[3])
    for (const [label, values] of [['dense1', z], ['activation1', a], ['add1', s], ['output', out]] as const) {
      const m = meanStd(values.flat())
      expect(at(r.scalars[`activation-stats/${label}/mean`], 0), label).toBeCloseTo(m.mean, 5)
      expect(at(r.scalars[`activation-stats/${label}/std`], 0), label).toBeCloseTo(m.std, 5)
    }
    // Only the ReLU activation layer counts dead units (unit 1 is negative everywhere).
    expect(Object.keys(r.scalars).filter((k) => k.endsWith('/dead'))).toEqual(['activation-stats/activation1/dead'])
    expect(at(r.scalars['activation-stats/activation1/dead'], 0)).toBeCloseTo(1 / 3, 10)
  })

  test('a CNN: a dead conv channel counts over all positions; pooling is measured, the automatic flatten is not', async () => {
    const src = imageSource(30, 7)
    const model = buildNetwork(tf, [conv2d(2, 3, 'relu'), maxpool2d(2)], [4, 4, 1], 3, 1)
    // Kernel [3, 3, 1, 2]: channel 0 averages the patch (minus 0.3), channel 1 is negative on nonnegative pixels.
    const kernel = range(0, 9).flatMap(() => [1 / 9, -0.5])
    const weights = [kernel, [-0.3, -0.1], [0.5, -0.2, 0.1, 0.4, 0.3, -0.6], [0, 0.1, -0.1]]
    setWeights(model, weights)
    const trainRows = range(0, 20)
    const r = await run({ source: src, model, probes: [probe('activation-stats', 1, { samples: 20 })], trainRows, testRows: range(20, 30), loss: 'softmax-cross-entropy' })
    const imgs = rowsOf(src, trainRows)
    const conv = imgs.map((img) =>
      [0, 1].flatMap((y) => [0, 1].flatMap((x) => [0, 1].map((c) => {
        let v = weights[1][c]
        for (let dy = 0; dy < 3; dy++) for (let dx = 0; dx < 3; dx++) v += img[(y + dy) * 4 + x + dx] * kernel[(dy * 3 + dx) * 2 + c]
        return Math.max(0, v)
      })))
    )
    const pooled = conv.map((v) => [0, 1].map((c) => Math.max(v[c], v[2 + c], v[4 + c], v[6 + c])))
    const out = affine(pooled, weights[2], weights[3])
    const deadChannels = [0, 1].filter((c) => conv.every((v) => [0, 1, 2, 3].every((p) => v[p * 2 + c] <= 0)))
    expect(deadChannels).toEqual([1])
    // Channel 0 is positive somewhere but not everywhere: a unit is dead only if it is ≤ 0 at every position of every example.
    expect(conv.some((v) => v[0] <= 0) && conv.some((v) => v[0] > 0)).toBe(true)
    expect(at(r.scalars['activation-stats/conv2d1/dead'], 0)).toBe(0.5)
    for (const [label, values] of [['conv2d1', conv], ['maxpooling2d1', pooled], ['output', out]] as const) {
      const m = meanStd(values.flat())
      expect(at(r.scalars[`activation-stats/${label}/mean`], 0), label).toBeCloseTo(m.mean, 5)
      expect(at(r.scalars[`activation-stats/${label}/std`], 0), label).toBeCloseTo(m.std, 5)
    }
    const labels = new Set(Object.keys(r.scalars).filter((k) => k.startsWith('activation-stats/')).map((k) => k.split('/')[1]))
    expect([...labels].sort()).toEqual(['conv2d1', 'maxpooling2d1', 'output'])
  })
})

// ── confusion ──

describe('confusion', () => {
  test('counts, per-class accuracy and labels of a split, in chunks of 500, match argmax predictions by hand', async () => {
    const src = flatSource(1300, 3, 3, 8)
    const model = buildNetwork(tf, [], [3], 3, 1)
    const w = [[1, 0, 0.2, 0, 1, 0.3, 0.4, 0, 1], [0, 0.1, -0.2]]
    setWeights(model, w)
    const testRows = range(100, 1300)
    const r = await run({ source: src, model, probes: [probe('confusion', 1, { split: 'test', maxImages: 5 })], trainRows: range(0, 100), testRows, batchSize: 50 })
    const counts = new Array(9).fill(0)
    const predicted = affine(rowsOf(src, testRows), w[0], w[1]).map(argmax)
    testRows.forEach((row, i) => counts[src.labels[row] * 3 + predicted[i]]++)
    const m = r.series['confusion/matrix'].find(([s]) => s === 0)![1] as HeatmapPayload
    expect(m).toEqual({ rows: 3, cols: 3, values: counts, rowLabels: ['0', '1', '2'], colLabels: ['0', '1', '2'], rowTitle: 'true class', colTitle: 'predicted class', format: 'count' })
    expect(counts.reduce((a, b) => a + b, 0)).toBe(1200)
    // Not a trivial matrix: every cell is populated.
    expect(counts.every((c) => c > 0)).toBe(true)
    for (let c = 0; c < 3; c++) expect(at(r.scalars[`confusion/accuracy/${c}`], 0)).toBeCloseTo(counts[c * 4] / (counts[c * 3] + counts[c * 3 + 1] + counts[c * 3 + 2]), 12)
    // Flat data: no image grid.
    expect(r.series['confusion/misclassified']).toBeUndefined()
  })

  test('image data: the first misclassified examples in split order as raw bytes with named captions; absent classes have no accuracy', async () => {
    const src = imageSource(40, 9)
    // Class 2 never occurs in the validation split.
    const valRows = range(20, 40).filter((i) => src.labels[i] !== 2)
    const model = buildNetwork(tf, [], [4, 4, 1], 3, 1)
    const kernel = range(0, 16).flatMap((p) => [p % 3 === 0 ? 1 : 0, p % 3 === 1 ? 1 : 0, p % 3 === 2 ? 1 : 0])
    setWeights(model, [kernel, [0, 0, 0]])
    const r = await run({ source: src, model, probes: [probe('confusion', 1, { split: 'val', maxImages: 3 })], trainRows: range(0, 20), valRows, testRows: range(0, 5) })
    const predicted = affine(rowsOf(src, valRows), kernel, [0, 0, 0]).map(argmax)
    const wrong = valRows.filter((row, i) => predicted[i] !== src.labels[row])
    expect(wrong.length).toBeGreaterThan(3)
    const grid = r.series['confusion/misclassified'].find(([s]) => s === 0)![1] as ImageGridPayload
    const shown = wrong.slice(0, 3)
    expect(grid.shape).toEqual([4, 4, 1])
    expect(Array.from(Buffer.from(grid.images, 'base64'))).toEqual(shown.flatMap((row) => Array.from(src.x.subarray(row * 16, row * 16 + 16))))
    const names = src.classNames!
    expect(grid.captions).toEqual(shown.map((row) => `${names[src.labels[row]]} → ${names[predicted[valRows.indexOf(row)]]}`))
    expect(grid.note).toBe(`3 of ${wrong.length} misclassified validation images`)
    const m = r.series['confusion/matrix'][0][1] as HeatmapPayload
    expect(m.rowLabels).toEqual(names)
    expect(Object.keys(r.scalars).filter((k) => k.startsWith('confusion/')).sort()).toEqual(['confusion/accuracy/0', 'confusion/accuracy/1'])
  })

  test('float image data in [0, 1] becomes bytes ×255, clamped', async () => {
    const src = imageSource(30, 10)
    // Pixel 0 above 1, pixel 1 below 0, the rest the source's bytes / 255.
    const floats = Float32Array.from(src.x, (v, i) => (i % 16 === 0 ? 1.5 : i % 16 === 1 ? -0.2 : v / 255))
    const fsrc: Source = { ...src, x: floats, scale: 1, stored: false, classNames: null }
    const model = buildNetwork(tf, [], [4, 4, 1], 3, 1)
    // A zero kernel and the largest bias on class 0: every example is predicted 0.
    setWeights(model, [new Array(48).fill(0), [1, 0, 0]])
    const trainRows = range(0, 20)
    const r = await run({ source: fsrc, model, probes: [probe('confusion', 1, { split: 'train', maxImages: 200 })], trainRows, testRows: range(20, 30) })
    const wrong = trainRows.filter((row) => src.labels[row] !== 0)
    const grid = r.series['confusion/misclassified'].find(([s]) => s === 0)![1] as ImageGridPayload
    expect(grid.captions).toEqual(wrong.map((row) => `${src.labels[row]} → 0`))
    const bytes = wrong.flatMap((row) => range(0, 16).map((p) => (p === 0 ? 255 : p === 1 ? 0 : src.x[row * 16 + p])))
    expect(Array.from(Buffer.from(grid.images, 'base64'))).toEqual(bytes)
    expect(grid.note).toBe(`${wrong.length} of ${wrong.length} misclassified training images`)
  })
})

// ── skips ──

describe('skipped probes say why', () => {
  test('confusion on targets, on a sign network and on an empty split: the reasons in warnings/probes, nothing logged', async () => {
    const src = flatSource(30, 3, 2, 12)
    const cases: { name: string; source: Source; member?: Partial<Member>; split: string; outputs: number; reason: RegExp }[] = [
      {
        name: 'targets',
        source: { ...src, targets: Float32Array.from({ length: 30 }, (_, i) => (src.labels[i] ? 1 : -1)), outputs: 1 },
        split: 'test',
        outputs: 1,
        reason: /Confusion matrix probe skipped: it needs class labels/
      },
      { name: 'sign', source: src, member: { accuracy: 'sign' }, split: 'test', outputs: 2, reason: /Confusion matrix probe skipped: the network has one output whose sign/ },
      { name: 'no validation split', source: src, split: 'val', outputs: 2, reason: /Confusion matrix probe skipped: the run has no validation split/ }
    ]
    for (const c of cases) {
      const model = buildNetwork(tf, [dense(3, 'tanh')], [3], c.outputs, 1)
      const r = await run({ source: c.source, model, member: c.member, probes: [probe('confusion', 1, { split: c.split, maxImages: 0 })], trainRows: range(0, 20), testRows: range(20, 30) })
      expect(r.series['warnings/probes'], c.name).toHaveLength(1)
      expect(r.series['warnings/probes'][0][1].messages, c.name).toEqual([expect.stringMatching(c.reason)])
      expect(Object.keys(r.scalars).filter((k) => k.startsWith('confusion/')), c.name).toEqual([])
      expect(Object.keys(r.series).filter((k) => k.startsWith('confusion/')), c.name).toEqual([])
      model.dispose()
    }
  })

  test('networks or data a probe cannot measure: each probe that skips says why, the others still measure', () => {
    const src = flatSource(20, 3, 3, 15)
    const data = { source: src, train: range(0, 15), val: [], test: range(15, 20), trainEval: range(0, 15) }
    const warnings = (model: LayersModel, train = data.train) => {
      const series: Record<string, any> = {}
      const ctx = { tf, runId: 'skips', seed: 1, logSeries: (key: string, _step: number, payload: unknown) => (series[key] = payload), progress: () => {}, aborted: false } as unknown as RunContext
      const network = { name: '', model, loss: (o: Tensor, y: Tensor) => lossOf(tf, 'mse', o, y), lossName: 'mse' as const, infer: (x: Tensor) => model.apply(x, { training: false }) as Tensor, accuracy: 'argmax' as const }
      const before = tf.memory().numTensors
      const set = setupProbes(ctx, ALL_PROBES(1), [network], { ...data, train }, 1, () => {})
      for (const p of set) p.instance.dispose()
      expect(tf.memory().numTensors).toBe(before)
      return { measuring: set.length, messages: (series['warnings/probes']?.messages ?? []) as string[] }
    }
    // No weights at all, nothing but a dropout (3 outputs for 3 classes, so confusion still applies).
    const bare = tf.sequential({ layers: [tf.layers.dropout({ rate: 0.1, inputShape: [3] })] })
    expect(warnings(bare)).toEqual({
      // The representation probes measure the input (layer 0); H(Y|z) needs a dense layer.
      measuring: 7,
      messages: [
        'Weight histograms probe skipped: the network has no layers with trainable weights',
        'Gradient RMS per layer probe skipped: the network has no layers with a kernel',
        'Activation statistics probe skipped: the network has no layers to measure',
        'Weight entropy per layer probe skipped: the network has no layers with a kernel',
        'Correlation of log(G + 1) with H probe skipped: the network has no layers with a kernel',
        'Feature-wise conditional entropy H(Y|z) probe skipped: the network has no dense layers (conv layers are not measured)'
      ]
    })
    // Batch-norm only: no kernel; 3 outputs for 3 classes.
    const norm = tf.sequential({ layers: [tf.layers.batchNormalization({ inputShape: [3] })] })
    expect(warnings(norm)).toEqual({
      measuring: 9,
      messages: [
        'Gradient RMS per layer probe skipped: the network has no layers with a kernel',
        'Weight entropy per layer probe skipped: the network has no layers with a kernel',
        'Correlation of log(G + 1) with H probe skipped: the network has no layers with a kernel',
        'Feature-wise conditional entropy H(Y|z) probe skipped: the network has no dense layers (conv layers are not measured)'
      ]
    })
    // Outputs that are not one per class; no training rows.
    const wide = tf.sequential({ layers: [tf.layers.dense({ units: 4, inputShape: [3] })] })
    expect(warnings(wide, [])).toEqual({
      measuring: 2,
      messages: [
        'Gradient RMS per layer probe skipped: the training split is empty',
        'Activation statistics probe skipped: the training split is empty',
        'Confusion matrix probe skipped: the network has 4 outputs for 3 classes',
        'Output deltas probe skipped: the training split is empty',
        'Softmax normaliser probe skipped: the training split is empty',
        'Correlation of log(G + 1) with H probe skipped: the training split is empty',
        'Least-squares distance per layer probe skipped: the training split has fewer than 2 rows',
        'Feature-wise conditional entropy H(Y|z) probe skipped: the training split is empty',
        'k-redundancy per layer probe skipped: k = 3 needs more than 3 rows per neighbour search (the sample has 0)',
        'PCA of a layer probe skipped: fewer than 3 training rows of the chosen classes',
        'Pure Voronoi entropy probe skipped: the training split is empty'
      ]
    })
    // Training rows, but 4 outputs for 3 one-hot targets: no loss to differentiate.
    expect(warnings(wide).messages).toContain('Output deltas probe skipped: the network has 4 outputs for 3 targets')
    for (const m of [bare, norm, wide]) m.dispose()
  })
})

// ── the run itself ──

/** A dropout + batch-norm MLP on flat data and a CNN with dropout and batch-norm on images. */
const NETWORKS: { name: string; source: () => Source; layers: Layer[]; sample: number[]; classes: number }[] = [
  { name: 'mlp', source: () => flatSource(40, 4, 3, 13), layers: [dense(8, 'relu'), { type: 'dropout', rate: 0.3 }, { type: 'batchnorm', activation: 'relu' }, dense(6, 'tanh')], sample: [4], classes: 3 },
  { name: 'cnn', source: () => imageSource(40, 14), layers: [conv2d(3, 3, 'relu'), { type: 'batchnorm', activation: 'linear' }, maxpool2d(2), { type: 'dropout', rate: 0.25 }, dense(5, 'relu')], sample: [4, 4, 1], classes: 3 }
]

describe('probes leave the run alone', () => {
  for (const n of NETWORKS) {
    test(`${n.name}: the same numbers and weights with and without all the probes, no tensor left behind, logs only when due`, async () => {
      const src = n.source()
      const outcome = async (probes: ProbeEntry[]) => {
        const model = buildNetwork(tf, n.layers, n.sample, n.classes, 3)
        const before = tf.memory().numTensors
        const r = await run({ source: src, model, probes, trainRows: range(0, 30), testRows: range(30, 40), epochs: 5, loss: 'softmax-cross-entropy' })
        const leaked = tf.memory().numTensors - before
        const weights = weightsOf(model)
        model.dispose()
        return { r, leaked, weights }
      }
      const plain = await outcome([])
      const probed = await outcome(ALL_PROBES(2))
      const own = (keys: string[]) => keys.filter((k) => !PROBES.some((p) => k.startsWith(`${p.id}/`))).sort()
      expect(own(Object.keys(probed.r.scalars))).toEqual(Object.keys(plain.r.scalars).sort())
      for (const k of Object.keys(plain.r.scalars)) expect(probed.r.scalars[k], k).toEqual(plain.r.scalars[k])
      expect(probed.weights).toEqual(plain.weights)
      expect(probed.leaked).toBe(0)
      expect(plain.leaked).toBe(0)
      // Every probe measured something, and only at epochs 0, 2, 4 and the last (5).
      const s = probed.r.stepsPerEpoch
      const due = [0, 2 * s, 4 * s, 5 * s]
      for (const p of PROBES.filter((p) => p.id !== 'local-elasticity')) {
        const keys = [...Object.keys(probed.r.scalars), ...Object.keys(probed.r.series)].filter((k) => k.startsWith(`${p.id}/`))
        expect(keys.length, p.id).toBeGreaterThan(0)
        // A correlation needs three measurements: entropy-gradient logs from the third due epoch on.
        const expected = p.id === 'entropy-gradient' ? due.slice(2) : due
        for (const k of keys) {
          const steps = (probed.r.scalars[k] ?? probed.r.series[k]).map(([step]: [number, unknown]) => step)
          // H(Y|z) of a layer whose every unit selects nothing (16 rows, a dead layer) is undefined: not logged then (its table says so).
          if (p.id === 'hyz' && !k.endsWith('/layers')) expect(steps.every((x: number) => expected.includes(x)), k).toBe(true)
          else expect(steps, k).toEqual(expected)
        }
      }
      expect(probed.r.series['warnings/probes']).toBeUndefined()
    })
  }
})
