/**
 * Runner of `elasticity-classes` (spec `local-elasticity.md`, experiment 2; seed 001 Fig. 6 at CPU scale):
 * a seeded pick of `perClass` images of every chosen class trains a small MLP or CNN with softmax
 * cross-entropy; at the probe epochs the exact LE from every base-class example (or a seeded subset) to every
 * test-class example (one batched pass per base example) becomes one histogram per (base class, test class),
 * with shared bin edges. The pair of an example with itself (LE = 1 by definition) is left out.
 */
import type { LayersModel, Tensor } from '@tensorflow/tfjs'
import { histogram } from '../../../../src-shared/elasticity'
import { conv2d, dense, maxpool2d, type Layer } from '../../../../src-shared/network/layers'
import { createRng, deriveSeed } from '../../../../src-shared/rng'
import type { ElasticityClassesConfig } from '../../../../src-shared/studies/elasticity-classes'
import type { ClassHistogramsPayload } from '../../../../src-shared/studies/elasticityPayloads'
import { lossOf } from '../../compute/mlp'
import { buildNetwork, NetworkError } from '../../compute/network'
import { probeRows } from '../../probes/local-elasticity/rows'
import { loadStored, type Source } from '../../training/data'
import { train } from '../../training/trainer'
import { RunFailure, type RunContext, type StudyRunner } from '../context'

/** Evaluation chunk (a CNN's activations for thousands of images do not fit at once). */
const EVAL_CHUNK = 500
/** Upper histogram edge: this quantile of all LE values (the heavy tail falls in the last bin). */
const TOP_QUANTILE = 0.99

/** The lab's small CNN (as the training study's MNIST template): conv 16 → pool → conv 32 → pool → dense 64. */
function smallCnn(activation: 'relu' | 'tanh'): Layer[] {
  return [conv2d(16, 3, activation), maxpool2d(2), conv2d(32, 3, activation), maxpool2d(2), dense(64, activation)]
}

/** The chosen images: `perClass` of each class (seeded), pixels scaled, labels as positions in `classes`. */
interface Picked {
  classes: number[]
  /** Dataset class of each picked example. */
  cls: Int32Array
  /** Position of that class in `classes` (the network's output index). */
  local: Int32Array
  x: Float32Array
}

function pick(src: Source, cfg: ElasticityClassesConfig, seed: number): Picked {
  const classes = [...new Set([...cfg.baseClasses, ...cfg.testClasses])]
  const bad = classes.filter((c) => c >= src.classes)
  if (bad.length) throw new RunFailure(`${src.label} has classes 0–${src.classes - 1}; class ${bad.join(', ')} does not exist`)
  const rng = createRng(seed)
  const rows: number[] = []
  for (const c of classes) {
    const of: number[] = []
    for (let i = 0; i < src.n; i++) if (src.labels[i] === c) of.push(i)
    if (of.length < cfg.dataset.perClass) throw new RunFailure(`${src.label} has ${of.length} examples of class ${c}; perClass is ${cfg.dataset.perClass}`)
    rows.push(...rng.shuffle(of).slice(0, cfg.dataset.perClass))
  }
  const m = rows.length
  const x = new Float32Array(m * src.dims)
  // [0, 1] per the source's scale (uint8 / 255); symmetric maps that to [−1, 1].
  const [a, b] = cfg.dataset.pixelScale === 'symmetric' ? [2 * src.scale, -1] : [src.scale, 0]
  rows.forEach((r, i) => {
    for (let k = 0; k < src.dims; k++) x[i * src.dims + k] = src.x[r * src.dims + k] * a + b
  })
  const cls = Int32Array.from(rows, (r) => src.labels[r])
  return { classes, cls, local: Int32Array.from(cls, (c) => classes.indexOf(c)), x }
}

/** Indices (into the picked examples) of `classes`, optionally a seeded subset of `limit` per class. */
function examplesOf(p: Picked, classes: number[], limit: number, seed: number): number[] {
  const rng = createRng(seed)
  return classes.flatMap((c) => {
    const of: number[] = []
    p.cls.forEach((v, i) => v === c && of.push(i))
    return limit > 0 && limit < of.length ? rng.shuffle(of).slice(0, limit).sort((x, y) => x - y) : of
  })
}

function quantile(values: number[], q: number): number {
  if (!values.length) return NaN
  const sorted = Float64Array.from(values).sort()
  return sorted[Math.min(sorted.length - 1, Math.floor(q * (sorted.length - 1)))]
}

/**
 * The histograms of one probe: LE rows (base examples × test examples) split by (base class, test class),
 * every pair of two different examples counted once, bins shared by all.
 */
export function classHistograms(
  le: Float32Array,
  baseIdx: number[],
  testIdx: number[],
  cls: ArrayLike<number>,
  baseClasses: number[],
  testClasses: number[],
  bins: number,
  classNames: string[]
): ClassHistogramsPayload {
  const values = baseClasses.map(() => testClasses.map(() => [] as number[]))
  baseIdx.forEach((bi, i) => {
    const b = baseClasses.indexOf(cls[bi])
    testIdx.forEach((tj, j) => {
      const v = le[i * testIdx.length + j]
      if (tj !== bi && Number.isFinite(v)) values[b][testClasses.indexOf(cls[tj])].push(v)
    })
  })
  const all = values.flat(2)
  const top = quantile(all, TOP_QUANTILE)
  const hi = Number.isFinite(top) && top > 0 ? top : 1
  let edges: number[] = []
  const counts = values.map((row) =>
    row.map((v) => {
      const h = histogram(v, bins, 0, hi)
      edges = h.edges
      return h.counts
    })
  )
  const mean = values.map((row) => row.map((v) => (v.length ? v.reduce((s, x) => s + x, 0) / v.length : NaN)))
  return { classNames, baseClasses, testClasses, edges, counts, mean }
}

export const runElasticityClasses: StudyRunner = async (ctx: RunContext) => {
  const { tf } = ctx
  const cfg = ctx.config as ElasticityClassesConfig
  const src = loadStored(ctx, cfg.dataset.datasetId, 'the class-pair elasticity study')
  const data = pick(src, cfg, deriveSeed(ctx.seed, 'pick'))
  const m = data.cls.length
  const k = data.classes.length
  const classNames = src.classNames ?? Array.from({ length: src.classes }, (_, i) => String(i))
  const layers: Layer[] = cfg.model.kind === 'cnn' ? smallCnn(cfg.model.activation) : cfg.model.hidden.map((units) => dense(units, cfg.model.activation))
  let model: LayersModel
  try {
    model = buildNetwork(tf, layers, src.sample, k, deriveSeed(ctx.seed, 'init'))
  } catch (err) {
    if (err instanceof NetworkError) throw new RunFailure(`the ${cfg.model.kind === 'cnn' ? 'small CNN' : 'MLP'} does not fit ${src.label} (samples ${src.sample.join('×')}): ${err.message}`)
    throw err
  }
  // The picked images as the trainer's source: labels are positions in `classes` (the network's outputs).
  const source: Source = { x: data.x, labels: data.local, n: m, sample: src.sample, dims: src.dims, classes: k, scale: 1, label: src.label, stored: true, classNames: data.classes.map((c) => classNames[c]) }
  const all = Array.from({ length: m }, (_, i) => i)
  const xAll = tf.tensor(data.x, [m, ...src.sample])
  const yAll = tf.tidy(() => tf.oneHot(tf.tensor1d(data.local, 'int32'), k).toFloat())
  const baseIdx = examplesOf(data, cfg.baseClasses, cfg.probe.basePerClass, deriveSeed(ctx.seed, 'bases'))
  const testIdx = examplesOf(data, cfg.testClasses, 0, 0)
  const xBase = tf.gather(xAll, baseIdx)
  const yBase = tf.gather(yAll, baseIdx)
  const xTest = tf.gather(xAll, testIdx)

  try {
    const r = await train({
      ctx,
      source,
      trainRows: all,
      evalSets: [{ split: 'train', rows: all, chunk: EVAL_CHUNK }],
      members: [{ prefix: '', name: '', model, optimizer: cfg.optimizer, loss: (out, y) => lossOf(tf, 'softmax-cross-entropy', out, y), lossName: 'softmax-cross-entropy', accuracy: 'argmax', infer: (x) => model.predict(x) as Tensor }],
      epochs: cfg.epochs,
      batchSize: cfg.batchSize,
      shuffleSeed: deriveSeed(ctx.seed, 'shuffle'),
      probes: cfg.probes,
      resume: ctx.resume,
      hooks: {
        // The class-pair histograms at epoch 0 (when probing along training), every N epochs and at the end.
        afterEpoch: (s) => {
          const due = s.last || (cfg.probe.every > 0 && s.epoch % cfg.probe.every === 0)
          if (!due) return
          ctx.progress(s.step, s.totalSteps, `epoch ${s.epoch}: probing ${baseIdx.length} base examples`)
          const rows = probeRows(tf, model, 'softmax-cross-entropy', xBase, yBase, xTest, { gamma: cfg.probe.gamma, kernel: false, aborted: () => ctx.aborted })
          if (!rows) return false
          const payload = classHistograms(rows.le, baseIdx, testIdx, data.cls, cfg.baseClasses, cfg.testClasses, cfg.probe.bins, classNames)
          ctx.logSeries('elasticity/histograms', s.step, payload)
          cfg.baseClasses.forEach((b, bi) => cfg.testClasses.forEach((t, ti) => s.record(`le/mean/${b}-${t}`, payload.mean[bi][ti])))
        }
      }
    })
    return { final: r.final, steps: r.steps, epochs: r.epochs, wallSeconds: r.wallSeconds, samplesPerSecond: r.samplesPerSecond }
  } finally {
    tf.dispose([xAll, yAll, xBase, yBase, xTest])
    model.dispose()
  }
}
