/**
 * Bench section 9 — the trainer's own cost, in process on one backend (no worker, no store): the MLP
 * 784-392-50-10 (MSE, SGD, batch 64) on 10 000 seeded synthetic samples, timed as
 *   raw      the minimal loop the trainer replaces: a seeded shuffle, the batch gathered in JS, minimize
 *   trainer  train() with nothing else (no evaluation, no probes): the trainer's per-step bookkeeping
 *   +eval    train() with a per-epoch evaluation of the training set (what a study does)
 *   +probes  train() with the evaluation and every registered probe due every epoch
 * alternated (raw, trainer, raw, trainer, …) so both see the same machine, median of the repeats. The figure
 * is the ratio trainer ÷ raw (goal ≤ 1.05).
 */
import type { Tensor } from '@tensorflow/tfjs'
import type { BackendName } from '../../src-shared/records'
import { PROBES } from '../../src-shared/probes'
import { createRng } from '../../src-shared/rng'
import { tf, useBackend } from '../../src-main/engine/compute/backend'
import { buildMlp, lossOf } from '../../src-main/engine/compute/mlp'
import type { RunContext } from '../../src-main/engine/studies/context'
import { gather, type Source } from '../../src-main/engine/training/data'
import { createOptimizer, disposeOptimizer } from '../../src-main/engine/training/optimizers'
import { train, type TrainerOptions } from '../../src-main/engine/training/trainer'

export interface TrainerFigures {
  backend: BackendName
  model: string
  samples: number
  epochs: number
  repeats: number
  /** Median seconds per variant. */
  seconds: { raw: number; trainer: number; withEval: number; withProbes: number }
  samplesPerSecond: { raw: number; trainer: number }
  /** trainer ÷ raw (time): the trainer's overhead with no probes. */
  overhead: number
  /** (+eval) ÷ raw and (+probes) ÷ raw. */
  withEval: number
  withProbes: number
}

const N = 10_000
const DIMS = 784
const CLASSES = 10
const BATCH = 64
const SEED = 7

function source(): Source {
  const rng = createRng(SEED)
  const x = new Float32Array(N * DIMS)
  for (let i = 0; i < x.length; i++) x[i] = rng.next()
  const labels = Int32Array.from({ length: N }, () => rng.int(CLASSES))
  return { x, labels, n: N, sample: [DIMS], dims: DIMS, classes: CLASSES, scale: 1, label: 'bench', stored: false, classNames: null }
}

function quietContext(): RunContext {
  return { tf, runId: 'bench', config: {}, seed: SEED, rng: createRng(SEED), backend: 'wasm', log: () => {}, logSeries: () => {}, artifact: () => {}, progress: () => {}, aborted: false }
}

const model = () => buildMlp(tf, [{ units: 392, activation: 'relu' }, { units: 50, activation: 'relu' }], DIMS, CLASSES, SEED)
const loss = (o: Tensor, y: Tensor) => lossOf(tf, 'mse', o, y)

/** The loop the trainer replaces, written out by hand. */
async function raw(src: Source, epochs: number): Promise<number> {
  const m = model()
  const opt = createOptimizer(tf, { kind: 'sgd', learningRate: 0.01, momentum: 0 })
  const rng = createRng(SEED)
  const order = Int32Array.from({ length: N }, (_, i) => i)
  const t0 = performance.now()
  for (let e = 0; e < epochs; e++) {
    rng.shuffle(order)
    for (let s = 0; s < N; s += BATCH) {
      const size = Math.min(BATCH, N - s)
      const b = gather(src, order, s, size)
      const xb = tf.tensor2d(b.x, [size, DIMS])
      const yb = tf.tensor2d(b.y, [size, CLASSES])
      opt.minimize(() => loss(m.apply(xb, { training: true }) as Tensor, yb))
      tf.dispose([xb, yb])
    }
  }
  ;(m.predict(tf.zeros([1, DIMS])) as Tensor).dataSync() // all queued work done
  const seconds = (performance.now() - t0) / 1000
  m.dispose()
  disposeOptimizer(opt)
  return seconds
}

async function viaTrainer(src: Source, epochs: number, extra: Partial<TrainerOptions>): Promise<number> {
  const m = model()
  const rows = Array.from({ length: N }, (_, i) => i)
  const t0 = performance.now()
  await train({
    ctx: quietContext(),
    source: src,
    trainRows: rows,
    members: [{ prefix: '', name: '', model: m, optimizer: { kind: 'sgd', learningRate: 0.01, momentum: 0 }, loss, lossName: 'mse', accuracy: 'argmax' }],
    epochs,
    batchSize: BATCH,
    shuffleSeed: SEED,
    evaluateAtStart: false,
    epochKey: null,
    ...extra
  })
  ;(m.predict(tf.zeros([1, DIMS])) as Tensor).dataSync()
  const seconds = (performance.now() - t0) / 1000
  m.dispose()
  return seconds
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]
const round = (v: number, d = 3) => Math.round(v * 10 ** d) / 10 ** d

export async function trainerFigures(opts: { quick: boolean; backend: BackendName; log: (m: string) => void }): Promise<TrainerFigures> {
  await useBackend(opts.backend)
  const src = source()
  const epochs = opts.quick ? 1 : 2
  const repeats = opts.quick ? 3 : 5
  const rows = Array.from({ length: N }, (_, i) => i)
  const evalSets = [{ split: 'train' as const, rows, chunk: 2000 }]
  // Every registered probe, each due every epoch, with their default settings (local elasticity on 100 points).
  const probes = PROBES.map((p) => ({ id: p.id, every: 1, params: p.id === 'local-elasticity' ? { ...p.defaults, testPoints: 100, basePoints: 10 } : structuredClone(p.defaults) }))
  await raw(src, 1) // warm-up: kernels, allocations
  const t = { raw: [] as number[], trainer: [] as number[], withEval: [] as number[], withProbes: [] as number[] }
  for (let r = 0; r < repeats; r++) {
    opts.log(`  trainer overhead: repeat ${r + 1}/${repeats}`)
    t.raw.push(await raw(src, epochs))
    t.trainer.push(await viaTrainer(src, epochs, {}))
  }
  for (let r = 0; r < Math.max(1, Math.floor(repeats / 2)); r++) {
    t.withEval.push(await viaTrainer(src, epochs, { evalSets }))
    t.withProbes.push(await viaTrainer(src, epochs, { evalSets, probes }))
  }
  const s = { raw: median(t.raw), trainer: median(t.trainer), withEval: median(t.withEval), withProbes: median(t.withProbes) }
  return {
    backend: opts.backend,
    model: '784-392-50-10',
    samples: N,
    epochs,
    repeats,
    seconds: { raw: round(s.raw), trainer: round(s.trainer), withEval: round(s.withEval), withProbes: round(s.withProbes) },
    samplesPerSecond: { raw: Math.round((N * epochs) / s.raw), trainer: Math.round((N * epochs) / s.trainer) },
    overhead: round(s.trainer / s.raw),
    withEval: round(s.withEval / s.raw),
    withProbes: round(s.withProbes / s.raw)
  }
}

export function trainerReport(f: TrainerFigures): string[] {
  return [
    `trainer overhead (${f.backend}, ${f.model}, ${f.samples} samples × ${f.epochs} epochs, median of ${f.repeats}):`,
    `  raw loop ${f.seconds.raw} s (${f.samplesPerSecond.raw} samples/s) · trainer ${f.seconds.trainer} s (${f.samplesPerSecond.trainer} samples/s) → ×${f.overhead} (goal ≤ 1.05)`,
    `  + per-epoch evaluation ×${f.withEval} · + evaluation and the ${PROBES.length} probes every epoch ×${f.withProbes}`
  ]
}
