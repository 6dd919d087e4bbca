/**
 * The thesis ch. 4 instruments as probes on the real trainer (wasm): output deltas are y − t per sample and class
 * for the GA variants (checked against y − t computed in plain JS from the network's outputs), split into the
 * true class's and the others'; the softmax normaliser is Σ eˣ per example and stays finite in its log at huge x.
 */
import type { LayersModel } from '@tensorflow/tfjs'
import { beforeAll, describe, expect, test } from 'vitest'
import { tf, useBackend } from '../../src-main/engine/compute/backend'
import { buildNetwork } from '../../src-main/engine/compute/network'
import { trainingLoss } from '../../src-main/engine/compute/outputs'
import { PROBE_IMPLS } from '../../src-main/engine/probes'
import { outputDeltas } from '../../src-main/engine/probes/output-delta'
import { normaliserStats } from '../../src-main/engine/probes/softmax-normaliser'
import { histogram } from '../../src-main/engine/probes/weight-histogram'
import type { RunContext } from '../../src-main/engine/studies/context'
import type { Source } from '../../src-main/engine/training/data'
import { train } from '../../src-main/engine/training/trainer'
import { dense } from '../../src-shared/network/layers'
import { findProbe, probesSchema, type ProbeEntry } from '../../src-shared/probes'
import { createRng } from '../../src-shared/rng'
import { pearson } from '../../src-shared/stats'
import { validateConfig, withDefaults } from '../../src-shared/studies'
import { LOSS_PARAMS_DEFAULTS, trainingDefaults, type LossKind, type LossParams } from '../../src-shared/studies/training'

beforeAll(async () => {
  await useBackend('wasm')
})

const N = 24
const DIMS = 4
const K = 3

function source(seed: number): Source {
  const rng = createRng(seed)
  return { x: Float32Array.from({ length: N * DIMS }, () => rng.next()), labels: Int32Array.from({ length: N }, () => rng.int(K)), n: N, sample: [DIMS], dims: DIMS, classes: K, scale: 1, label: 'test data', stored: false, classNames: null }
}

/** Train one epoch with the probes, every epoch; returns what was logged. */
async function run(model: LayersModel, loss: LossKind, params: LossParams | undefined, probes: ProbeEntry[], src = source(3), epochs = 1) {
  const scalars: Record<string, [number, number][]> = {}
  const series: Record<string, [number, any][]> = {}
  const ctx: RunContext = {
    tf,
    runId: 'ga-probes',
    config: {},
    seed: 7,
    rng: createRng(7),
    backend: 'wasm',
    log: (k, s, v) => void (scalars[k] ??= []).push([s, v]),
    logSeries: (k, s, p) => void (series[k] ??= []).push([s, structuredClone(p)]),
    artifact: () => {},
    progress: () => {},
    aborted: false
  }
  const rows = Array.from({ length: N }, (_, i) => i)
  const before = tf.memory().numTensors
  const r = await train({
    ctx,
    source: src,
    trainRows: rows,
    evalSets: [{ split: 'train', rows, chunk: null }],
    members: [{ prefix: '', name: '', model, optimizer: { kind: 'sgd', learningRate: 0.01, momentum: 0 }, loss: (o, y) => trainingLoss(tf, loss, params, o, y), accuracy: 'argmax' }],
    epochs,
    batchSize: 8,
    shuffleSeed: 1,
    probes
  })
  expect(tf.memory().numTensors).toBe(before)
  return { scalars, series, last: r.steps, src }
}

/** The network's outputs x on every row, and y − t by hand for a variant. */
function deltasByHand(model: LayersModel, src: Source, loss: LossKind, p: LossParams) {
  const xs = tf.tidy(() => (model.predict(tf.tensor2d(src.x as Float32Array, [N, DIMS])) as any).arraySync()) as number[][]
  const all: number[] = []
  const truth: number[] = []
  const other: number[] = []
  xs.forEach((row, i) =>
    row.forEach((x, k) => {
      const y = loss === 'exp-ga' ? p.alpha! * Math.exp(x) : loss === 'linear-mse' ? x : NaN
      const t = k === src.labels[i] ? p.trueTarget : p.otherTarget
      all.push(y - t)
      ;(k === src.labels[i] ? truth : other).push(y - t)
    })
  )
  return { all, truth, other }
}

describe('output-delta', () => {
  for (const loss of ['linear-mse', 'exp-ga'] as const) {
    test(`${loss}: the histograms are those of y − t per sample and class, true class and others apart`, async () => {
      const model = buildNetwork(tf, [dense(6, 'relu')], [DIMS], K, 2)
      const params = LOSS_PARAMS_DEFAULTS[loss]
      const r = await run(model, loss, params, [{ id: 'output-delta', every: 1, params: { samples: 1000, bins: 9 } }])
      expect(Object.keys(r.series).sort()).toEqual(['output-delta/all', 'output-delta/other', 'output-delta/true'])
      // After the last step the model holds the weights the last probe measured.
      const hand = deltasByHand(model, r.src, loss, params)
      const logged = (key: string) => r.series[key].find(([s]) => s === r.last)![1]
      for (const [key, values] of [['all', hand.all], ['true', hand.truth], ['other', hand.other]] as const) {
        const h = logged(`output-delta/${key}`)
        const want = histogram(values, 9)!
        expect(h.counts.reduce((a: number, b: number) => a + b, 0)).toBe(values.length)
        expect(h.min).toBeCloseTo(want.min!, 4)
        expect(h.max).toBeCloseTo(want.max!, 4)
        expect(h.mean).toBeCloseTo(want.mean!, 4)
      }
      // The true class's delta is y − t with the large target: negative at the start for exp-GA (y ≈ 0.1 e^x ≪ 16).
      if (loss === 'exp-ga') expect(logged('output-delta/true').max).toBeLessThan(0)
      const absMean = hand.all.reduce((a, v) => a + Math.abs(v), 0) / hand.all.length
      expect(r.scalars['output-delta/abs_mean'].find(([s]) => s === r.last)![1]).toBeCloseTo(absMean, 4)
      expect(r.scalars['output-delta/abs_max'].find(([s]) => s === r.last)![1]).toBeCloseTo(Math.max(...hand.all.map(Math.abs)), 4)
      model.dispose()
    })
  }
})

describe('output-delta, value by value', () => {
  // Outputs x of 7 rows × K classes in [−3, 3] (below exp-GA's clip, where its delta is exactly y − t), labels 0, 1, 2, 0, …
  const rng = createRng(11)
  const X = Array.from({ length: 7 }, () => Array.from({ length: K }, () => rng.next() * 6 - 3))
  const LABELS = X.map((_, i) => i % K)
  const sigmoid = (x: number) => 1 / (1 + Math.exp(-x))
  /** The documented delta of one sample and class, by hand: y − t for softmax + CE and the variants, 2(x − t)/K for plain mse. */
  function byHand(loss: LossKind, p: LossParams | undefined, row: number[], k: number, label: number): number {
    const x = row[k]
    const onehot = k === label ? 1 : 0
    if (loss === 'softmax-cross-entropy') return Math.exp(x) / row.reduce((a, v) => a + Math.exp(v), 0) - onehot
    if (loss === 'mse') return (2 * (x - onehot)) / K
    const t = onehot ? p!.trueTarget : p!.otherTarget
    const y = { 'sigmoid-mse': sigmoid(x), 'tanh-mse': Math.tanh(x), 'linear-mse': x, 'exp-ga': p!.alpha! * Math.exp(x), 'pow3-ga': p!.alpha! * x ** 3 + p!.beta! }[loss as string]!
    return y - t
  }

  for (const loss of ['softmax-cross-entropy', 'mse', 'sigmoid-mse', 'tanh-mse', 'linear-mse', 'exp-ga', 'pow3-ga'] as const) {
    test(`${loss}: each row's delta is the documented one, whatever the size of the chunk it is measured in`, () => {
      const params = loss === 'softmax-cross-entropy' || loss === 'mse' ? undefined : LOSS_PARAMS_DEFAULTS[loss]
      const lossFn = (o: any, y: any) => trainingLoss(tf, loss, params, o, y)
      const before = tf.memory().numTensors
      const deltas = (from: number, to: number) => {
        const x = tf.tensor2d(X.slice(from, to))
        const y = tf.tidy(() => tf.oneHot(tf.tensor1d(LABELS.slice(from, to), 'int32'), K).toFloat())
        const d = outputDeltas(tf, (v) => v, lossFn, x, y)
        tf.dispose([x, y])
        return Array.from(d)
      }
      const whole = deltas(0, 7)
      const want = X.flatMap((row, i) => row.map((_, k) => byHand(loss, params, row, k, LABELS[i])))
      whole.forEach((d, i) => expect(d, `entry ${i}`).toBeCloseTo(want[i], 4))
      // The loss is a mean over the chunk's rows; times its rows, a row's delta does not depend on how many there are.
      const split = [...deltas(0, 3), ...deltas(3, 7)]
      split.forEach((d, i) => expect(d).toBeCloseTo(whole[i], 5))
      expect(tf.memory().numTensors).toBe(before)
    })
  }

  test('both probes are registered on both sides', () => {
    for (const id of ['output-delta', 'softmax-normaliser']) {
      expect(findProbe(id)?.id).toBe(id)
      expect(PROBE_IMPLS.get(id)?.descriptor).toBe(findProbe(id))
    }
  })
})

describe('softmax-normaliser', () => {
  test('log Σ eˣ per example, its mean, the median and mean of Σ eˣ, as computed by hand', async () => {
    const model = buildNetwork(tf, [dense(6, 'tanh')], [DIMS], K, 4)
    const r = await run(model, 'softmax-cross-entropy', undefined, [{ id: 'softmax-normaliser', every: 1, params: { samples: 1000 } }])
    const xs = tf.tidy(() => (model.predict(tf.tensor2d(r.src.x as Float32Array, [N, DIMS])) as any).arraySync()) as number[][]
    const s = xs.map((row) => row.reduce((a, v) => a + Math.exp(v), 0)).sort((a, b) => a - b)
    const at = (k: string) => r.scalars[`softmax-normaliser/${k}`].find(([st]) => st === r.last)![1]
    expect(at('log_mean')).toBeCloseTo(s.reduce((a, v) => a + Math.log(v), 0) / N, 5)
    expect(at('mean')).toBeCloseTo(s.reduce((a, v) => a + v, 0) / N, 4)
    expect(at('median')).toBeCloseTo((s[N / 2 - 1] + s[N / 2]) / 2, 4)
    model.dispose()
  })

  test('huge outputs (x ≈ 1000): the log stays finite; what overflows float64 is left out, not NaN', async () => {
    const model = buildNetwork(tf, [dense(6, 'tanh')], [DIMS], K, 4)
    const w = model.getWeights()
    // The output bias at 1000: every logit ≈ 1000, far past float32's exp.
    const biased = w.map((t, i) => (i === w.length - 1 ? tf.fill(t.shape, 1000) : t.clone()))
    model.setWeights(biased)
    tf.dispose(biased)
    const r = await run(model, 'softmax-cross-entropy', undefined, [{ id: 'softmax-normaliser', every: 1, params: { samples: 1000 } }])
    const logMean = r.scalars['softmax-normaliser/log_mean'][0][1]
    expect(logMean).toBeGreaterThan(1000)
    expect(Number.isFinite(logMean)).toBe(true)
    expect(r.scalars['softmax-normaliser/mean']).toBeUndefined()
    expect(r.scalars['softmax-normaliser/median']).toBeUndefined()
    const st = normaliserStats([1, 2, 3])
    expect(st.logMean).toBe(2)
    expect(st.median).toBe(Math.exp(2))
    expect(st.mean).toBeCloseTo((Math.E + Math.exp(2) + Math.exp(3)) / 3, 12)
    // Far past float64: the mean overflows to ∞ (left out by the run's log), the log mean does not.
    expect(normaliserStats([800, 801]).mean).toBe(Infinity)
    expect(normaliserStats([NaN])).toEqual({ logMean: NaN, median: NaN, mean: NaN })
    model.dispose()
  })
})

describe('entropy-gradient', () => {
  test('the correlation of log(G + 1) with H over the epochs so far, from the gradient-RMS and weight-entropy probes\' own values', async () => {
    const model = buildNetwork(tf, [dense(8, 'tanh')], [DIMS], K, 5)
    const probes: ProbeEntry[] = [
      { id: 'entropy-gradient', every: 1, params: { bits: 4, fraction: 1, samples: 1000 } },
      { id: 'gradient-rms', every: 1, params: { samples: 1000 } },
      { id: 'weight-entropy', every: 1, params: { bits: 4, fraction: 1 } }
    ]
    const r = await run(model, 'linear-mse', LOSS_PARAMS_DEFAULTS['linear-mse'], probes, source(3), 5)
    for (const layer of ['dense1', 'output']) {
      const g = r.scalars[`gradient-rms/${layer}`].map(([, v]) => Math.log(v + 1))
      const h = r.scalars[`weight-entropy/${layer}`].map(([, v]) => v)
      const logged = r.scalars[`entropy-gradient/${layer}`]
      // Epochs 0 … 5 measured; a correlation from the third on.
      expect(g).toHaveLength(6)
      expect(logged.map(([s]) => s)).toEqual(r.scalars[`gradient-rms/${layer}`].slice(2).map(([s]) => s))
      logged.forEach(([, v], i) => expect(v).toBeCloseTo(pearson(g.slice(0, i + 3), h.slice(0, i + 3)), 4))
    }
    model.dispose()
  })
})

test('a training config with both probes validates; bad params are refused by field', () => {
  const c = withDefaults(trainingDefaults, { probes: [{ id: 'output-delta', every: 1, params: { samples: 256, bins: 40 } }, { id: 'softmax-normaliser', every: 2, params: { samples: 128 } }] })
  expect(validateConfig('training', c).ok).toBe(true)
  const bad = probesSchema.safeParse([{ id: 'output-delta', every: 1, params: { samples: 0, bins: 40 } }])
  expect(bad.success).toBe(false)
  expect(bad.error!.issues[0].path).toEqual([0, 'params', 'samples'])
})
