/**
 * The two procedures of the `elasticity-clustering` study that turn a model into n × n elasticity matrices
 * over the primary set P (row i: the change of every prediction on P caused by one SGD step on x_i):
 *  - 'one-pass' (the slides' Algorithm 1): one SGD pass over P ∪ A in seeded order, one example per step; at a
 *    primary example, P is predicted before and after its step (one batched forward each) and row i is
 *    relative |Δp| / |Δp_i| and kernelized Δp / (−η g), g = ∂ℒ/∂f(x_i) at the weights before the step.
 *  - 'pretrain' (the original code, which produced the published table): SGD on P ∪ A for a number of epochs,
 *    then for each x_i ∈ P the exact probe (`exactElasticity`): step from the trained weights, measure on P,
 *    restore; relative = the LE row, kernelized = the exact S_ker row.
 * With several outputs (softmax cross-entropy) |Δp| is the norm of the output change and Δp / (−η g) is taken
 * along g (Δp·g / (−η‖g‖²)), as in the probe. Both return null when the run is cancelled part-way.
 */
import type { ProbeEntry } from '../../../../src-shared/probes'
import { createRng, deriveSeed } from '../../../../src-shared/rng'
import { sgd } from '../../../../src-shared/training/optimizer'
import type { tf as TF } from '../../compute/backend'
import { lossOf } from '../../compute/mlp'
import { exactElasticity, weightsOf, type ProbeLoss } from '../../probes/local-elasticity/measure'
import { disposeOptimizer } from '../../training/optimizers'
import { train } from '../../training/trainer'
import { RunFailure, type RunContext } from '../context'

export interface ElasticityInput {
  tf: typeof TF
  model: TF.LayersModel
  loss: ProbeLoss
  /** All rows, P (n) first then A (m), row-major (n + m) × prod(sample). */
  x: Float32Array
  /** Targets, row-major (n + m) × outputs. */
  targets: Float32Array
  outputs: number
  n: number
  m: number
  sample: number[]
  /** Step size of the measured steps (η; the probe's γ for 'pretrain'). */
  eta: number
  seed: number
  aborted: () => boolean
  /** Called after each unit of work (an SGD step or a probed base example). */
  tick: (message: string) => void
}

export interface ElasticityMatrices {
  /** Row-major n × n; row i = the effect of the step on x_i. */
  relative: Float32Array
  kernelized: Float32Array
  /** Rows whose own prediction did not move (relative row undefined: NaN). */
  degenerateRows: number
  /** Range of the step sizes used (the probe triples γ on underflow). */
  gamma: [number, number]
  /** Mean training loss of the last pretraining epoch (pretrain only). */
  pretrainLoss?: number
}


/** Units of work `onePass` reports (one per SGD step). */
export const onePassUnits = (n: number, m: number) => n + m

export function onePass(p: ElasticityInput): ElasticityMatrices | null {
  const { tf, model, loss, n, m, outputs: k } = p
  const N = n + m
  const xAll = tf.tensor(p.x, [N, ...p.sample])
  const yAll = tf.tensor2d(p.targets, [N, k])
  const xP = xAll.slice(0, n)
  const optimizer = tf.train.sgd(p.eta)
  const vars = weightsOf(model)
  const step = (xr: TF.Tensor, yr: TF.Tensor) => {
    optimizer.minimize(() => lossOf(tf, loss, model.apply(xr, { training: true }) as TF.Tensor, yr), false, vars)
  }
  const order = createRng(deriveSeed(p.seed, 'one-pass')).shuffle(Array.from({ length: N }, (_, i) => i))
  const relative = new Float32Array(n * n)
  const kernelized = new Float32Array(n * n)
  let degenerateRows = 0
  // Predictions on P at the current weights, reused while only primary steps follow each other.
  let current: TF.Tensor2D | null = null
  try {
    for (let t = 0; t < N; t++) {
      if (p.aborted()) return null
      const r = order[t]
      if (r >= n) {
        tf.tidy(() => step(xAll.slice(r, 1), yAll.slice(r, 1)))
        current?.dispose()
        current = null
        p.tick(`step ${t + 1}/${N}`)
        continue
      }
      const before: TF.Tensor2D = current ?? tf.tidy(() => model.predict(xP) as TF.Tensor2D)
      const [after, packed] = tf.tidy(() => {
        const yr = yAll.slice(r, 1)
        // g = ∂ℒ/∂f(x_i) at the weights before the step.
        const g = tf.grad((z: TF.Tensor) => lossOf(tf, loss, z, yr))(before.slice(r, 1)).reshape([k, 1])
        step(xAll.slice(r, 1), yr)
        const next = model.predict(xP) as TF.Tensor2D
        const dz = next.sub(before)
        // One read-back: ‖Δp_j‖ (n), Δp_j·g (n), ‖g‖².
        return [next, tf.concat([tf.norm(dz, 'euclidean', 1), dz.matMul(g).reshape([n]), g.square().sum().reshape([1])])]
      })
      const v = packed.dataSync()
      tf.dispose([before, packed])
      current = after as TF.Tensor2D
      const self = v[r]
      const g2 = v[2 * n]
      if (!(self > 0)) degenerateRows++
      for (let j = 0; j < n; j++) {
        relative[r * n + j] = self > 0 ? v[j] / self : NaN
        kernelized[r * n + j] = g2 > 0 ? v[n + j] / (-p.eta * g2) : NaN
      }
      p.tick(`step ${t + 1}/${N}`)
    }
  } finally {
    current?.dispose()
    tf.dispose([xAll, yAll, xP])
    disposeOptimizer(optimizer)
  }
  return { relative, kernelized, degenerateRows, gamma: [p.eta, p.eta] }
}

export interface PretrainOptions {
  epochs: number
  batchSize: number
  learningRate: number
  /** The run (the trainer logs through it) and the probes attached to the pretraining. */
  ctx: RunContext
  probes?: ProbeEntry[]
  /** The model's name in probe keys ('linear', 'mlp', 'cnn'). */
  name: string
}

/** Base examples probed per `exactElasticity` call: progress and cancellation are checked between chunks. */
const PROBE_CHUNK = 8

export const pretrainUnits = (n: number, m: number, o: Pick<PretrainOptions, 'epochs' | 'batchSize'>) => o.epochs * Math.ceil((n + m) / o.batchSize) + n

export async function pretrainThenProbe(p: ElasticityInput, o: PretrainOptions): Promise<ElasticityMatrices | null> {
  const { tf, model, loss, n, m, outputs: k } = p
  const N = n + m
  const d = p.x.length / N
  // Pretraining on the lab's trainer: plain SGD on P ∪ A, the epoch's mean minibatch loss kept.
  let lastLoss = NaN
  const rows = Array.from({ length: N }, (_, i) => i)
  await train({
    ctx: o.ctx,
    source: { x: p.x, labels: new Int32Array(N), n: N, sample: p.sample, dims: d, classes: k, scale: 1, label: 'P ∪ A', stored: false, classNames: null, targets: p.targets, outputs: k },
    trainRows: rows,
    members: [{ prefix: '', name: o.name, model, optimizer: sgd(o.learningRate, 0), loss: (out, t) => lossOf(tf, loss, out, t), lossName: loss, accuracy: k === 1 ? 'sign' : 'argmax' }],
    epochs: o.epochs,
    batchSize: o.batchSize,
    shuffleSeed: deriveSeed(p.seed, 'pretrain'),
    runningLoss: true,
    evaluateAtStart: false,
    epochKey: null,
    probes: o.probes,
    nanAdvice: `lower the pretrain learning rate (${o.learningRate})`,
    progress: (_step, _total, epoch) => p.tick(`pretraining: epoch ${epoch}/${o.epochs}`),
    hooks: {
      afterEpoch: (s) => {
        lastLoss = s.epochLoss[0]
        if (!Number.isFinite(lastLoss)) throw new RunFailure(`the pretraining loss became ${lastLoss} at epoch ${s.epoch}; lower the pretrain learning rate (${o.learningRate})`)
      }
    }
  })
  if (p.aborted()) return null

  const relative = new Float32Array(n * n)
  const kernelized = new Float32Array(n * n)
  let degenerateRows = 0
  let gMin = Infinity
  let gMax = 0
  const xP = tf.tensor(p.x.subarray(0, n * d), [n, ...p.sample])
  const yP = tf.tensor2d(p.targets.subarray(0, n * k), [n, k])
  try {
    for (let start = 0; start < n; start += PROBE_CHUNK) {
      if (p.aborted()) return null
      const size = Math.min(PROBE_CHUNK, n - start)
      const [xb, yb] = [xP.slice(start, size), yP.slice(start, size)]
      const r = exactElasticity(tf, model, loss, xb, yb, xP, p.eta)
      tf.dispose([xb, yb])
      relative.set(r.le, start * n)
      kernelized.set(r.kerExact, start * n)
      for (let i = 0; i < size; i++) {
        if (!(r.selfChange[i] > 0)) degenerateRows++
        gMin = Math.min(gMin, r.gamma[i])
        gMax = Math.max(gMax, r.gamma[i])
      }
      for (let i = 0; i < size; i++) p.tick(`probing example ${start + i + 1}/${n}`)
    }
  } finally {
    tf.dispose([xP, yP])
  }
  return { relative, kernelized, degenerateRows, gamma: [gMin, gMax], pretrainLoss: lastLoss }
}
