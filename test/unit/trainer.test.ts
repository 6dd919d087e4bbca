/**
 * The trainer's training basics and hooks, each against a value computed by hand or a property that only holds
 * when the feature works: the three-way split, learning-rate schedules, L2 weight decay, early stopping on
 * validation (best weights restored), frozen layers, per-layer optimiser groups, the synchronisation hook that
 * rewrites weights, lockstep members, custom losses, and the NaN messages.
 */
import type { LayersModel, Tensor } from '@tensorflow/tfjs'
import { beforeAll, describe, expect, test } from 'vitest'
import { tf, useBackend } from '../../src-main/engine/compute/backend'
import { lossOf } from '../../src-main/engine/compute/mlp'
import { buildNetwork } from '../../src-main/engine/compute/network'
import type { RunContext } from '../../src-main/engine/studies/context'
import { checkpointPosition, decodeCheckpoint } from '../../src-main/engine/training/checkpoint'
import { splitRows, type Source } from '../../src-main/engine/training/data'
import { train, type Member, type TrainerOptions } from '../../src-main/engine/training/trainer'
import { createRng } from '../../src-shared/rng'
import { learningRateAt } from '../../src-shared/training/schedule'

beforeAll(async () => {
  await useBackend('wasm')
})

interface Logged {
  scalars: Record<string, [number, number][]>
  ctx: RunContext
}

function context(): Logged {
  const scalars: Logged['scalars'] = {}
  const ctx: RunContext = {
    tf,
    runId: 't',
    config: {},
    seed: 1,
    rng: createRng(1),
    backend: 'wasm',
    log: (k, s, v) => void (scalars[k] ??= []).push([s, v]),
    logSeries: () => {},
    artifact: () => {},
    progress: () => {},
    aborted: false
  }
  return { scalars, ctx }
}

/** n points of 2 well-separated Gaussian classes in 2-D. */
function blobs(n: number, seed: number): Source {
  const rng = createRng(seed)
  const x = new Float32Array(n * 2)
  const labels = new Int32Array(n)
  for (let i = 0; i < n; i++) {
    labels[i] = i % 2
    const c = labels[i] ? 1.5 : -1.5
    x[2 * i] = c + rng.normal() * 0.5
    x[2 * i + 1] = c + rng.normal() * 0.5
  }
  return { x, labels, n, sample: [2], dims: 2, classes: 2, scale: 1, label: 'blobs', stored: false, classNames: null }
}

const member = (model: LayersModel, extra: Partial<Member> = {}): Member => ({
  prefix: '',
  name: '',
  model,
  optimizer: { kind: 'sgd', learningRate: 0.1, momentum: 0 },
  loss: (out: Tensor, y: Tensor) => lossOf(tf, 'softmax-cross-entropy', out, y),
  lossName: 'softmax-cross-entropy',
  accuracy: 'argmax',
  ...extra
})

const all = (n: number) => Array.from({ length: n }, (_, i) => i)
const weightsOf = (m: LayersModel) => m.getWeights().map((w) => Array.from(w.dataSync()))

function options(l: Logged, src: Source, members: Member[], extra: Partial<TrainerOptions> = {}): TrainerOptions {
  return { ctx: l.ctx, source: src, trainRows: all(src.n), evalSets: [{ split: 'train', rows: all(src.n), chunk: null }], members, epochs: 3, batchSize: 16, shuffleSeed: 5, ...extra }
}

describe('data split', () => {
  test('train / validation / test are disjoint, cover every row, have the asked sizes; no validation = the old two-way split', () => {
    const s = splitRows(1000, 0.2, 0.1, 11, 12)
    expect([s.train.length, s.val.length, s.test.length]).toEqual([700, 100, 200])
    expect(new Set([...s.train, ...s.val, ...s.test]).size).toBe(1000)
    const two = splitRows(1000, 0.2, 0, 11, 12)
    expect(two.val).toEqual([])
    expect(two.test).toEqual(s.test) // the test set does not depend on the validation fraction
    expect(new Set([...two.train])).toEqual(new Set([...s.train, ...s.val]))
  })
})

describe('learning-rate schedules', () => {
  test('step, exponential, cosine and warm-up give the hand-computed rates', () => {
    const spe = 10
    expect(learningRateAt({ kind: 'constant', warmupEpochs: 0 }, 0.1, 57, spe, 10)).toBe(0.1)
    // ×0.1 every 2 epochs: steps 1–20 (epochs 1–2) at 0.1, 21–40 at 0.01, 41… at 0.001.
    const step = { kind: 'step' as const, warmupEpochs: 0, every: 2, factor: 0.1 }
    expect([1, 20, 21, 40, 41].map((s) => +learningRateAt(step, 0.1, s, spe, 10).toPrecision(6))).toEqual([0.1, 0.1, 0.01, 0.01, 0.001])
    // ×0.5 per epoch, continuous: after 1.5 epochs (step 16 starts at position 1.5) 0.1 · 0.5^1.5.
    expect(learningRateAt({ kind: 'exponential', warmupEpochs: 0, factor: 0.5 }, 0.1, 16, spe, 10)).toBeCloseTo(0.1 * 0.5 ** 1.5, 12)
    // Cosine from 0.1 to 0.01 over 10 epochs: half way (position 5) the mean of the two.
    const cos = { kind: 'cosine' as const, warmupEpochs: 0, minFactor: 0.1 }
    expect(learningRateAt(cos, 0.1, 51, spe, 10)).toBeCloseTo(0.055, 12)
    expect(learningRateAt(cos, 0.1, 1, spe, 10)).toBeCloseTo(0.1, 12)
    // Two epochs of warm-up: linear to the base rate at its last step (20), then the schedule from position 0.
    const warm = { kind: 'cosine' as const, warmupEpochs: 2, minFactor: 0 }
    expect([1, 10, 20].map((s) => learningRateAt(warm, 0.1, s, spe, 10))).toEqual([0.005, 0.05, 0.1])
    expect(learningRateAt(warm, 0.1, 21, spe, 10)).toBeCloseTo(0.1, 12)
  })

  test('the trainer sets the scheduled rate on the optimiser and logs it per epoch', async () => {
    const l = context()
    const src = blobs(64, 1)
    const model = buildNetwork(tf, [{ type: 'dense', units: 4, activation: 'tanh' }], [2], 2, 3)
    const schedule = { kind: 'step' as const, warmupEpochs: 0, every: 1, factor: 0.5 }
    await train(options(l, src, [member(model)], { schedule }))
    // 4 steps per epoch: the rate used in epoch e (its last step) is 0.1 · 0.5^(e−1); epoch 0 logs the base rate.
    expect(l.scalars['train/lr']).toEqual([[0, 0.1], [4, 0.1], [8, 0.05], [12, 0.025]])
    model.dispose()
  })
})

describe('weight decay', () => {
  test('one SGD step with λ moves every kernel by −lr·(g + λw) and leaves biases at −lr·g', async () => {
    const src = blobs(8, 2)
    const step = async (wd: number) => {
      const model = buildNetwork(tf, [{ type: 'dense', units: 3, activation: 'tanh' }], [2], 2, 4)
      const before = weightsOf(model)
      await train({ ...options(context(), src, [member(model)]), epochs: 1, batchSize: 8, weightDecay: wd, evalSets: [] })
      const after = weightsOf(model)
      model.dispose()
      return { before, after }
    }
    const plain = await step(0)
    const decayed = await step(0.3)
    // kernels: Δ(decayed) − Δ(plain) = −lr·λ·w ; biases (indices 1, 3): no difference
    for (const i of [0, 2])
      plain.before[i].forEach((w, k) => expect(decayed.after[i][k] - plain.after[i][k]).toBeCloseTo(-0.1 * 0.3 * w, 6))
    for (const i of [1, 3]) expect(decayed.after[i]).toEqual(plain.after[i])
  })
})

describe('early stopping', () => {
  test('stops after `patience` epochs without a better validation loss and ends with the best epoch\'s weights and metrics', async () => {
    const l = context()
    const src = blobs(200, 3)
    const split = splitRows(src.n, 0.25, 0.25, 1, 2)
    const model = buildNetwork(tf, [{ type: 'dense', units: 8, activation: 'tanh' }], [2], 2, 5)
    // A rate this large makes the validation loss bounce: it stops well before 200 epochs.
    const r = await train({
      ...options(l, src, [member(model, { optimizer: { kind: 'sgd', learningRate: 3, momentum: 0.9 } })]),
      trainRows: split.train,
      evalSets: [
        { split: 'train', rows: split.train, chunk: null },
        { split: 'val', rows: split.val, chunk: null }
      ],
      epochs: 200,
      earlyStopping: { metric: 'val/loss', patience: 3, minDelta: 0, restoreBest: true }
    })
    expect(r.stoppedEarly).not.toBeNull()
    const { epoch, bestEpoch } = r.stoppedEarly!
    expect(epoch - bestEpoch).toBe(3)
    const val = l.scalars['val/loss']
    const bestValue = Math.min(...val.map(([, v]) => v))
    expect(r.best['val/loss'].value).toBe(bestValue)
    expect(r.final['val/loss']).toBe(bestValue) // the final metrics are the restored epoch's
    // The model ends with the best epoch's weights: evaluating it gives the best validation loss again.
    const x = tf.tensor2d(split.val.flatMap((i) => [src.x[2 * i], src.x[2 * i + 1]]), [split.val.length, 2])
    const y = tf.oneHot(tf.tensor1d(split.val.map((i) => src.labels[i]), 'int32'), 2).toFloat()
    const loss = tf.tidy(() => lossOf(tf, 'softmax-cross-entropy', model.apply(x, { training: false }) as Tensor, y).dataSync()[0])
    expect(loss).toBeCloseTo(bestValue, 6)
    tf.dispose([x, y])
    model.dispose()
  })
})

describe('layers, groups, hooks and members', () => {
  test('frozen layers keep their weights; the others train', async () => {
    const model = buildNetwork(tf, [{ type: 'dense', units: 4, activation: 'tanh' }], [2], 2, 6)
    const before = weightsOf(model)
    await train(options(context(), blobs(32, 4), [member(model, { frozen: (_l, i) => i === 0 })]))
    const after = weightsOf(model)
    expect(after[0]).toEqual(before[0])
    expect(after[1]).toEqual(before[1])
    expect(after[2]).not.toEqual(before[2])
    model.dispose()
  })

  test('a per-layer optimiser group trains its layers with its own rate (a zero-ish rate leaves them nearly still)', async () => {
    const run = async (groups?: Member['groups']) => {
      const model = buildNetwork(tf, [{ type: 'dense', units: 4, activation: 'tanh' }], [2], 2, 7)
      const before = weightsOf(model)
      await train({ ...options(context(), blobs(32, 5), [member(model, { groups })]), epochs: 1, batchSize: 32, evalSets: [] })
      const delta = weightsOf(model).map((w, i) => w.map((v, k) => v - before[i][k]))
      model.dispose()
      return delta
    }
    const one = await run()
    const grouped = await run([{ name: 'first', layers: (_l, i) => i === 0, optimizer: { kind: 'sgd', learningRate: 0.01, momentum: 0 } }])
    // One full-batch SGD step: the first layer moved by a tenth (lr 0.01 vs 0.1), the output layer as before.
    grouped[0].forEach((d, k) => expect(d).toBeCloseTo(one[0][k] / 10, 6))
    expect(grouped[2]).toEqual(one[2])
  })

  test('a synchronisation hook may rewrite the weights; training continues from them', async () => {
    const model = buildNetwork(tf, [{ type: 'dense', units: 4, activation: 'tanh' }], [2], 2, 8)
    const seen: number[] = []
    await train({
      ...options(context(), blobs(32, 6), [member(model)]),
      epochs: 2,
      batchSize: 8,
      hooks: {
        sync: {
          every: 3,
          run: ({ step }) => {
            seen.push(step)
            // Quantise every weight to multiples of 0.25, as a compression study would.
            model.setWeights(model.getWeights().map((w) => tf.tidy(() => w.div(0.25).round().mul(0.25))))
          }
        }
      }
    })
    expect(seen).toEqual([3, 6])
    const w = weightsOf(model)
    // 8 steps: the last two came after the last sync (6), so the weights moved off the grid again.
    expect(w.flat().some((v) => Math.abs(v / 0.25 - Math.round(v / 0.25)) > 1e-6)).toBe(true)
    model.dispose()
  })

  test('members train in lockstep on the same batches, each with its own optimiser and keys', async () => {
    const l = context()
    const src = blobs(48, 7)
    const a = buildNetwork(tf, [{ type: 'dense', units: 4, activation: 'tanh' }], [2], 2, 9)
    const b = buildNetwork(tf, [{ type: 'dense', units: 4, activation: 'tanh' }], [2], 2, 9)
    const alone = buildNetwork(tf, [{ type: 'dense', units: 4, activation: 'tanh' }], [2], 2, 9)
    await train(options(l, src, [member(a, { prefix: 'a/', name: 'a' }), member(b, { prefix: 'b/', name: 'b' })]))
    await train(options(context(), src, [member(alone)]))
    // Same init, same batches: both members end exactly where a lone run of the same network ends.
    expect(weightsOf(a)).toEqual(weightsOf(alone))
    expect(weightsOf(b)).toEqual(weightsOf(alone))
    expect(Object.keys(l.scalars).sort()).toEqual(['a/train/accuracy', 'a/train/loss', 'b/train/accuracy', 'b/train/loss', 'epoch'])
    for (const m of [a, b, alone]) m.dispose()
  })

  test('a custom output/loss pair: one output fitted to ±1 targets with the sign as the class', async () => {
    const l = context()
    const src = blobs(64, 8)
    const targets = Float32Array.from(src.labels, (c) => (c ? 1 : -1))
    const model = buildNetwork(tf, [{ type: 'dense', units: 8, activation: 'tanh' }], [2], 1, 10)
    const r = await train({
      ...options(l, { ...src, targets, outputs: 1 }, [member(model, { loss: (o, y) => tf.losses.meanSquaredError(y, o), lossName: 'mse', accuracy: 'sign', optimizer: { kind: 'sgd', learningRate: 0.05, momentum: 0.9 } })]),
      epochs: 20
    })
    expect(r.final['train/accuracy']).toBeGreaterThan(0.95)
    expect(l.scalars['train/loss'].at(-1)![1]).toBeLessThan(l.scalars['train/loss'][0][1])
    model.dispose()
  })

  test('a NaN minibatch loss fails the run with a readable message; the trainer leaves no tensors behind', async () => {
    const src = blobs(32, 9)
    const model = buildNetwork(tf, [{ type: 'dense', units: 4, activation: 'relu' }], [2], 2, 11)
    const before = tf.memory().numTensors
    const nan = member(model, { loss: (o) => o.sum().mul(NaN) as any })
    await expect(train({ ...options(context(), src, [nan]), logEvery: 1, evaluateAtStart: false })).rejects.toThrow(/the minibatch loss became NaN at step 1 \(epoch 1\); try a lower learning rate/)
    expect(tf.memory().numTensors).toBe(before)
    // Not read on every step (no minibatch logging): the epoch's evaluation catches it.
    await expect(train({ ...options(context(), src, [nan]) })).rejects.toThrow(/the training loss became NaN at epoch 0 \(step 0\); try a lower learning rate/)
    expect(tf.memory().numTensors).toBe(before)
    model.dispose()
  })

  test('resuming from a checkpoint (Adam, schedule, best weights) leaves no tensors behind and ends where the uninterrupted run ends', async () => {
    const src = blobs(64, 12)
    const opts = (l: Logged, model: LayersModel, extra: Partial<TrainerOptions> = {}) =>
      options(l, src, [member(model, { optimizer: { kind: 'adam', learningRate: 0.02, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 } })], {
        epochs: 4,
        schedule: { kind: 'cosine', warmupEpochs: 1, minFactor: 0.1 },
        ...extra
      })
    const whole = buildNetwork(tf, [{ type: 'dense', units: 6, activation: 'tanh' }], [2], 2, 13)
    await train(opts(context(), whole))
    // The same run, checkpointed after epoch 2 and cancelled there.
    const first = buildNetwork(tf, [{ type: 'dense', units: 6, activation: 'tanh' }], [2], 2, 13)
    const l1 = context()
    let saved: Uint8Array | null = null
    l1.ctx.artifact = (_name, _kind, bytes) => void (saved = bytes as Uint8Array)
    await train(opts(l1, first, { checkpointEvery: 2, hooks: { afterEpoch: (s) => { if (s.epoch === 2) (l1.ctx as { aborted: boolean }).aborted = true } } }))
    expect(saved).not.toBeNull()
    const resumed = buildNetwork(tf, [{ type: 'dense', units: 6, activation: 'tanh' }], [2], 2, 13)
    const before = tf.memory().numTensors
    await train(opts(context(), resumed, { resume: decodeCheckpoint(saved!) }))
    expect(tf.memory().numTensors).toBe(before)
    expect(weightsOf(resumed)).toEqual(weightsOf(whole))
    // The run page reads a checkpoint's position from its header alone; a cut-off file cannot be resumed from.
    const bytes = saved! as Uint8Array
    expect(checkpointPosition(bytes.subarray(0, bytes.length - 16))).toEqual({ epoch: 2, step: 8 })
    expect(() => decodeCheckpoint(bytes.subarray(0, bytes.length - 16))).toThrow(/checkpoint truncated \(tensor /)
    expect(() => checkpointPosition(bytes.subarray(0, 30))).toThrow(/checkpoint truncated \(header\)|wrong magic/)
    for (const m of [whole, first, resumed]) m.dispose()
  })
})

