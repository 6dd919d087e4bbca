/**
 * Binary-weight networks (w ∈ {±1}, no biases) trained by local reparametrisation — the data-generation step of
 * the effective-model study (shared/studies/effective-model.md, "Data generation").
 *
 * Network: layer sizes e.g. [20, 15, 15, 10] (N = 675 weights) or [20, 10] (N = 200). Layer l has W^l of shape
 * sizes[l+1] × sizes[l] (out × in), stored row-major (index out·fanIn + in); layers are concatenated in order.
 * That is also the spin order of a collected configuration.
 *
 * Scaling choice (one convention everywhere — binary forward, mean-field forward, training; fanIn = length of the
 * layer's input a, LReLU(z) = max(0, z) + 0.1·min(0, z)):
 *   hidden: z = W a,  a_next = LReLU(z)/√fanIn  (= LReLU(z/√fanIn): LReLU is positively homogeneous), which keeps
 *           every hidden activation O(|x|) at every depth with ±1 weights;
 *   output: logits = W a  (outputScaling 'none', the default — the spec's literal reading: "a_j = LReLU(z_j)/√fan-in
 *           on hidden units; output z feeds softmax"), or (W a)/√fanIn (outputScaling 'sqrtFanIn').
 * Prediction argmax of the logits. The default matters: with 'sqrtFanIn' the logits of a ±1 net stay O(|x|) and the
 * softmax cannot get confident — on MNIST-PCA20 the deep net stalls near CE 1.2 / 70 % after 10 epochs, against
 * CE 0.8 / 78 % with 'none' (and 20-dim Gaussian blobs: ≈ 60 % vs ≈ 98 %).
 *
 * Training: each weight has a field θ, P(w = +1) = sigmoid(θ), μ = tanh(θ/2), var = 1 − μ². Per layer and sample,
 * m_j = Σ_i μ_ji a_i, v_j = Σ_i var_ji a_i², z_j = m_j + √(v_j + 1e-8)·ε_j (ε ~ N(0, 1) per unit per sample, fresh
 * each mini-batch), then z̃ = z/√fanIn as above. Gradients are propagated by hand through the sampled
 * pre-activations (also through the activations a of the previous layer, both via m and via v), then
 * ∂L/∂θ = ∂L/∂μ·dμ/dθ + ∂L/∂var·dvar/dθ with dμ/dθ = (1 − μ²)/2, dvar/dθ = −2μ·dμ/dθ. Adam (β1 0.9, β2 0.999,
 * eps 1e-8), LR 0.3, L2 on θ 1e-5 (l2·θ added to the gradient), θ₀ ~ N(0, 0.1²).
 *
 * Speed (Node 20, one core, this box): [20, 15, 15, 10] at 300 × 200 per epoch ≈ 0.36 s/epoch (≈ 1 ms per
 * mini-batch of 200 for loss + gradient, ≈ 0.2 ms of it for the noise), i.e. ≈ 18 s per 50-epoch trial; the
 * over-parametrised scenario ≈ 0.5 s, shallow 20-10 ≈ 5.5 s. Flat Float64Array loops, no allocation per batch.
 */
import { createRng, deriveSeed, type Rng } from '../rng'

export interface LabelledSet {
  /** rows × features, row-major. */
  x: Float32Array
  /** Labels 0..classes−1. */
  y: Int32Array | Uint8Array
  rows: number
  features: number
}

export interface TrialOptions {
  sizes: number[]
  epochs: number
  batchesPerEpoch: number
  batchSize: number
  lr?: number
  l2?: number
  theta0Std?: number
  /** Binary networks sampled at the end, default 10. */
  samples?: number
  /** Test accuracy a sampled network needs to be accepted. */
  threshold: number
  seed: number
  /** Polled between mini-batches; true → return early with stopped: true. */
  shouldStop?: () => boolean
  onEpoch?: (epoch: number, loss: number, testAccuracy: number) => void
  /** Record a curve point every this many epochs (and at the last epoch); default 1. */
  curveEvery?: number
  /** Output-logit scaling in training (file header); default 'none'. Accuracies do not depend on it (argmax). */
  outputScaling?: OutputScaling
}

export interface TrialResult {
  /** Best sampled network (±1), spin order as in the file header. */
  spins: Int8Array
  testAccuracy: number
  trainAccuracy: number
  accepted: boolean
  /** Per recorded epoch: mean train CE over that epoch's mini-batches, mean-field (μ) network's test accuracy. */
  curve: { epoch: number; loss: number; testAccuracy: number }[]
  seconds: number
  stopped: boolean
  /** Final fields. */
  theta: Float64Array
}

export type ScenarioName = 'under' | 'over' | 'shallow'

export interface Scenario {
  sizes: number[]
  /** Use only the first trainLimit training rows (null: all). */
  trainLimit: number | null
  epochs: number
  batchesPerEpoch: number
  batchSize: number
  threshold: number
  label: string
}

export const SCENARIOS: Record<ScenarioName, Scenario> = {
  under: {
    sizes: [20, 15, 15, 10],
    trainLimit: null,
    epochs: 50,
    batchesPerEpoch: 300,
    batchSize: 200,
    threshold: 0.8,
    label: 'Under-parametrised (20-15-15-10, all training images)'
  },
  over: {
    sizes: [20, 15, 15, 10],
    trainLimit: 500,
    epochs: 50,
    batchesPerEpoch: 25,
    batchSize: 20,
    threshold: 0.7,
    label: 'Over-parametrised (20-15-15-10, first 500 training images)'
  },
  shallow: {
    sizes: [20, 10],
    trainLimit: null,
    epochs: 50,
    batchesPerEpoch: 300,
    batchSize: 200,
    threshold: 0.7,
    label: 'Shallow (20-10, all training images)'
  }
}

const LEAK = 0.1
const V_GUARD = 1e-8

/** How the output layer's logits are scaled (see the file header); hidden layers always use 1/√fanIn. */
export type OutputScaling = 'none' | 'sqrtFanIn'

/** Multiplier of W a per weight layer. */
function layerScales(sizes: number[], outputScaling: OutputScaling): number[] {
  const L = sizes.length - 1
  return Array.from({ length: L }, (_, l) => (l < L - 1 || outputScaling === 'sqrtFanIn' ? 1 / Math.sqrt(sizes[l]) : 1))
}

/** Σ sizes[l]·sizes[l+1]. */
export function weightCount(sizes: number[]): number {
  let n = 0
  for (let l = 0; l + 1 < sizes.length; l++) n += sizes[l] * sizes[l + 1]
  return n
}

/**
 * Named spin ranges: with 3 weight layers LB (first), ITR (middle), RB (last); with more, LB, ITR1…ITRk, RB;
 * with fewer than 3 weight layers one range 'all'.
 */
export function layerSpinRanges(sizes: number[]): { name: string; start: number; end: number }[] {
  const layers = sizes.length - 1
  const n = weightCount(sizes)
  if (layers < 3) return [{ name: 'all', start: 0, end: n }]
  const out: { name: string; start: number; end: number }[] = []
  let start = 0
  for (let l = 0; l < layers; l++) {
    const end = start + sizes[l] * sizes[l + 1]
    const name = l === 0 ? 'LB' : l === layers - 1 ? 'RB' : layers === 3 ? 'ITR' : `ITR${l}`
    out.push({ name, start, end })
    start = end
  }
  return out
}

function checkSizes(sizes: number[]): void {
  if (sizes.length < 2 || sizes.some((s) => !Number.isInteger(s) || s < 1)) {
    throw new Error(`binaryNet: bad layer sizes [${sizes.join(', ')}]`)
  }
}

/** Weight offsets per layer (length L+1). */
function weightOffsets(sizes: number[]): number[] {
  const off = [0]
  for (let l = 0; l + 1 < sizes.length; l++) off.push(off[l] + sizes[l] * sizes[l + 1])
  return off
}

// ---------------------------------------------------------------------------------------------------------------
// Deterministic forward (binary spins or mean-field μ weights)

/** Accuracy of the network with real weights w (spin order) on rows [0, set.rows). */
function weightsAccuracy(sizes: number[], w: Float64Array, set: LabelledSet): number {
  checkSizes(sizes)
  if (set.features !== sizes[0]) throw new Error(`binaryNet: set has ${set.features} features, net expects ${sizes[0]}`)
  if (set.rows === 0) return 0
  const L = sizes.length - 1
  const wOff = weightOffsets(sizes)
  // A positive factor on the logits never changes the argmax, so the output scaling is irrelevant here.
  const scale = layerScales(sizes, 'none')
  let maxWidth = 0
  for (const s of sizes) maxWidth = Math.max(maxWidth, s)
  let aIn = new Float64Array(maxWidth)
  let aOut = new Float64Array(maxWidth)
  const x = set.x
  const F = set.features
  let correct = 0
  for (let r = 0; r < set.rows; r++) {
    const xo = r * F
    for (let i = 0; i < F; i++) aIn[i] = x[xo + i]
    for (let l = 0; l < L; l++) {
      const nin = sizes[l]
      const nout = sizes[l + 1]
      const invS = scale[l]
      const hidden = l < L - 1
      let w0 = wOff[l]
      for (let j = 0; j < nout; j++, w0 += nin) {
        let m = 0
        for (let i = 0; i < nin; i++) m += w[w0 + i] * aIn[i]
        const z = m * invS
        aOut[j] = hidden && z < 0 ? LEAK * z : z
      }
      const t = aIn
      aIn = aOut
      aOut = t
    }
    const C = sizes[L]
    let best = 0
    for (let c = 1; c < C; c++) if (aIn[c] > aIn[best]) best = c
    if (best === set.y[r]) correct++
  }
  return correct / set.rows
}

/** Test accuracy of the binary network `spins` (±1, spin order above) on `set` (argmax of the logits). */
export function binaryNetAccuracy(sizes: number[], spins: Int8Array, set: LabelledSet): number {
  const n = weightCount(sizes)
  if (spins.length !== n) throw new Error(`binaryNet: ${spins.length} spins for ${n} weights`)
  const w = new Float64Array(n)
  for (let k = 0; k < n; k++) w[k] = spins[k]
  return weightsAccuracy(sizes, w, set)
}

// ---------------------------------------------------------------------------------------------------------------
// Mean-field (local reparametrisation) loss and gradient.
// Internally everything is unit-major (unit × rows, index unit·rows + b) so the inner loops run over the
// mini-batch: long, contiguous, bounds-check-free loops are what V8 does fastest.

interface Workspace {
  rows: number
  /** acts[l], sq[l]: sizes[l] × rows activations and their squares (acts[0] is the input batch). */
  acts: Float64Array[]
  sq: Float64Array[]
  /** zt[l]: sizes[l+1] × rows, scaled pre-activations z̃ (logits for the last layer). */
  zt: Float64Array[]
  /** sd[l]: √(v + 1e-8); gz[l]: ∂L/∂z̃ (then ∂L/∂m), gv[l]: ∂L/∂v — all sizes[l+1] × rows. */
  sd: Float64Array[]
  gz: Float64Array[]
  gv: Float64Array[]
  /** ga[l], gq[l]: sizes[l] × rows scratch for ∂L/∂a (via m and via v). */
  ga: Float64Array[]
  gq: Float64Array[]
  mu: Float64Array
  vr: Float64Array
  gMu: Float64Array
  gVar: Float64Array
  epsOff: number[]
  wOff: number[]
}

function makeWorkspace(sizes: number[], rows: number): Workspace {
  const L = sizes.length - 1
  const n = weightCount(sizes)
  const per = (l: number) => new Float64Array(rows * sizes[l])
  const epsOff: number[] = []
  let off = 0
  for (let l = 0; l < L; l++) {
    epsOff.push(off)
    off += rows * sizes[l + 1]
  }
  const all = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => per(k + from))
  return {
    rows,
    acts: all(0, L + 1),
    sq: all(0, L + 1),
    zt: all(1, L + 1),
    sd: all(1, L + 1),
    gz: all(1, L + 1),
    gv: all(1, L + 1),
    ga: all(0, L),
    gq: all(0, L),
    mu: new Float64Array(n),
    vr: new Float64Array(n),
    gMu: new Float64Array(n),
    gVar: new Float64Array(n),
    epsOff,
    wOff: weightOffsets(sizes)
  }
}

/** Number of noise values meanFieldLossAndGrad needs for `rows` rows: rows · Σ_{l≥1} sizes[l]. */
export function noiseCount(sizes: number[], rows: number): number {
  let h = 0
  for (let l = 1; l < sizes.length; l++) h += sizes[l]
  return rows * h
}

/** X[xo + b] += c·A[ao + b], Y[xo + b] += d·B[ao + b] for b < R. Small kernels keep V8's loops tight. */
function axpy2(X: Float64Array, Y: Float64Array, xo: number, c: number, d: number, A: Float64Array, B: Float64Array, ao: number, R: number): void {
  for (let b = 0; b < R; b++) {
    X[xo + b] += c * A[ao + b]
    Y[xo + b] += d * B[ao + b]
  }
}

/** Σ_b X[xo + b]·A[ao + b]. */
function dot(X: Float64Array, xo: number, A: Float64Array, ao: number, R: number): number {
  let s0 = 0
  let s1 = 0
  let b = 0
  for (; b + 1 < R; b += 2) {
    s0 += X[xo + b] * A[ao + b]
    s1 += X[xo + b + 1] * A[ao + b + 1]
  }
  if (b < R) s0 += X[xo + b] * A[ao + b]
  return s0 + s1
}

/**
 * Core. The input batch must already be in ws.acts[0] (sizes[0] × rows, unit-major); y[b] is row b's label.
 * Writes ∂(mean CE)/∂θ into `grad`; returns the mean cross-entropy.
 */
function mfCore(
  sizes: number[],
  scale: number[],
  theta: Float64Array,
  y: ArrayLike<number>,
  eps: Float64Array,
  ws: Workspace,
  grad: Float64Array
): number {
  const L = sizes.length - 1
  const n = theta.length
  const R = ws.rows
  const { acts, sq, zt, sd, gz, gv, ga, gq, mu, vr, gMu, gVar, epsOff, wOff } = ws
  for (let k = 0; k < n; k++) {
    const m = Math.tanh(0.5 * theta[k])
    mu[k] = m
    vr[k] = 1 - m * m
  }
  {
    const a0 = acts[0]
    const q0 = sq[0]
    for (let k = 0, e = R * sizes[0]; k < e; k++) q0[k] = a0[k] * a0[k]
  }

  // Forward: m into zt, v into sd, then z̃ = (m + √(v+1e-8)·ε)·scale.
  for (let l = 0; l < L; l++) {
    const nin = sizes[l]
    const nout = sizes[l + 1]
    const sc = scale[l]
    const hidden = l < L - 1
    const aIn = acts[l]
    const qIn = sq[l]
    const M = zt[l]
    const V = sd[l]
    M.fill(0)
    V.fill(0)
    const eo = epsOff[l]
    for (let j = 0; j < nout; j++) {
      const zo = j * R
      const w0 = wOff[l] + j * nin
      for (let i = 0; i < nin; i++) {
        axpy2(M, V, zo, mu[w0 + i], vr[w0 + i], aIn, qIn, i * R, R)
      }
    }
    const aOut = acts[l + 1]
    const qOut = sq[l + 1]
    for (let k = 0, e = nout * R; k < e; k++) {
      const s = Math.sqrt(V[k] + V_GUARD)
      V[k] = s
      const z = (M[k] + s * eps[eo + k]) * sc
      M[k] = z
      if (hidden) {
        const a = z < 0 ? LEAK * z : z
        aOut[k] = a
        qOut[k] = a * a
      }
    }
  }

  // Softmax + cross-entropy on the logits; gz[L−1] = (p − onehot)/rows.
  const C = sizes[L]
  const logits = zt[L - 1]
  const gOut = gz[L - 1]
  const invRows = 1 / R
  let loss = 0
  for (let b = 0; b < R; b++) {
    let mx = logits[b]
    for (let c = 1; c < C; c++) if (logits[c * R + b] > mx) mx = logits[c * R + b]
    let sum = 0
    for (let c = 0; c < C; c++) {
      const e = Math.exp(logits[c * R + b] - mx)
      gOut[c * R + b] = e
      sum += e
    }
    const label = y[b]
    loss += Math.log(sum) - (logits[label * R + b] - mx)
    const inv = invRows / sum
    for (let c = 0; c < C; c++) gOut[c * R + b] *= inv
    gOut[label * R + b] -= invRows
  }
  loss *= invRows

  // Backward.
  for (let l = L - 1; l >= 0; l--) {
    const nin = sizes[l]
    const nout = sizes[l + 1]
    const sc = scale[l]
    const aIn = acts[l]
    const qIn = sq[l]
    const GM = gz[l]
    const GV = gv[l]
    const S = sd[l]
    const eo = epsOff[l]
    for (let k = 0, e = nout * R; k < e; k++) {
      const gm = GM[k] * sc // ∂L/∂z = ∂L/∂m
      GM[k] = gm
      GV[k] = (gm * eps[eo + k]) / (2 * S[k]) // ∂L/∂v
    }
    for (let j = 0; j < nout; j++) {
      const zo = j * R
      const w0 = wOff[l] + j * nin
      for (let i = 0; i < nin; i++) {
        const ao = i * R
        gMu[w0 + i] = dot(GM, zo, aIn, ao, R)
        gVar[w0 + i] = dot(GV, zo, qIn, ao, R)
      }
    }
    if (l > 0) {
      // a_i = LReLU(z̃_i) of layer l−1: ∂L/∂a_i = Σ_j gm_j μ_ji + 2 a_i Σ_j gv_j var_ji.
      const GA = ga[l]
      const GQ = gq[l]
      GA.fill(0)
      GQ.fill(0)
      for (let j = 0; j < nout; j++) {
        const zo = j * R
        const w0 = wOff[l] + j * nin
        for (let i = 0; i < nin; i++) {
          axpy2(GA, GQ, i * R, mu[w0 + i], vr[w0 + i], GM, GV, zo, R)
        }
      }
      const gPrev = gz[l - 1]
      const zPrev = zt[l - 1]
      for (let k = 0, e = nin * R; k < e; k++) {
        const g = GA[k] + 2 * aIn[k] * GQ[k]
        gPrev[k] = zPrev[k] < 0 ? LEAK * g : g
      }
    }
  }

  for (let k = 0; k < n; k++) {
    const m = mu[k]
    const dmu = 0.5 * (1 - m * m)
    grad[k] = gMu[k] * dmu - 2 * m * dmu * gVar[k]
  }
  return loss
}

/**
 * Mean cross-entropy of the reparametrised (sampled pre-activation) network on `rows` rows of x (row-major,
 * rows × sizes[0]) with labels y, and its gradient w.r.t. θ (no L2 term; training adds l2·θ).
 * Noise layout (unit-major): eps has noiseCount(sizes, rows) = rows·Σ_{l≥1} sizes[l] values, weight layer by
 * weight layer; layer l (0-based) starts at rows·(sizes[1] + … + sizes[l]) (0 for l = 0), and its value for
 * output unit j of row b is at start + j·rows + b.
 */
export function meanFieldLossAndGrad(
  sizes: number[],
  theta: Float64Array,
  x: Float32Array,
  y: ArrayLike<number>,
  rows: number,
  eps: Float64Array,
  outputScaling: OutputScaling = 'none'
): { loss: number; grad: Float64Array } {
  checkSizes(sizes)
  const n = weightCount(sizes)
  const F = sizes[0]
  if (theta.length !== n) throw new Error(`binaryNet: theta has ${theta.length} entries, net has ${n} weights`)
  if (x.length < rows * F) throw new Error('binaryNet: x too short')
  if (eps.length < noiseCount(sizes, rows)) throw new Error('binaryNet: eps too short')
  const ws = makeWorkspace(sizes, rows)
  const a0 = ws.acts[0]
  for (let b = 0; b < rows; b++) for (let i = 0; i < F; i++) a0[i * rows + b] = x[b * F + i]
  const grad = new Float64Array(n)
  const loss = mfCore(sizes, layerScales(sizes, outputScaling), theta, y, eps, ws, grad)
  return { loss, grad }
}

// ---------------------------------------------------------------------------------------------------------------
// Training

/** Fill `out` with standard normals (Marsaglia polar method, both values of each pair used). */
function fillNormal(rng: Rng, out: Float64Array): void {
  const n = out.length
  let k = 0
  while (k < n) {
    let u: number
    let v: number
    let s: number
    do {
      u = 2 * rng.next() - 1
      v = 2 * rng.next() - 1
      s = u * u + v * v
    } while (s >= 1 || s === 0)
    const f = Math.sqrt((-2 * Math.log(s)) / s)
    out[k++] = u * f
    if (k < n) out[k++] = v * f
  }
}

function sampleSpins(theta: Float64Array, rng: Rng, out: Int8Array): void {
  for (let k = 0; k < theta.length; k++) {
    const p = 1 / (1 + Math.exp(-theta[k]))
    out[k] = rng.next() < p ? 1 : -1
  }
}

function meanFieldAccuracy(sizes: number[], theta: Float64Array, set: LabelledSet): number {
  const mu = new Float64Array(theta.length)
  for (let k = 0; k < theta.length; k++) mu[k] = Math.tanh(0.5 * theta[k])
  return weightsAccuracy(sizes, mu, set)
}

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now())

/**
 * One trial: fresh θ₀ → Adam on mini-batches (seeded shuffle stream of the training rows, reshuffled whenever it
 * runs out, so small sets cycle) → sample `samples` binary networks from σ(θ) → keep the best by test accuracy;
 * accepted = best ≥ threshold. Sub-streams of the seed: 'init', 'batches', 'noise', 'sample'.
 * If shouldStop() turns true between mini-batches the trial ends early: stopped = true, accepted = false, and
 * spins is the most probable network (sign θ) of the fields reached so far.
 */
export function trainTrial(train: LabelledSet, test: LabelledSet, opts: TrialOptions): TrialResult {
  const t0 = now()
  const sizes = opts.sizes
  checkSizes(sizes)
  if (train.features !== sizes[0] || test.features !== sizes[0]) {
    throw new Error(`binaryNet: data has ${train.features}/${test.features} features, net expects ${sizes[0]}`)
  }
  if (train.rows < 1) throw new Error('binaryNet: empty training set')
  const n = weightCount(sizes)
  const lr = opts.lr ?? 0.3
  const l2 = opts.l2 ?? 1e-5
  const theta0Std = opts.theta0Std ?? 0.1
  const samples = Math.max(1, opts.samples ?? 10)
  const curveEvery = Math.max(1, opts.curveEvery ?? 1)
  const outputScaling = opts.outputScaling ?? 'none'
  const scale = layerScales(sizes, outputScaling)
  const B = opts.batchSize
  const F = sizes[0]
  const beta1 = 0.9
  const beta2 = 0.999
  const adamEps = 1e-8

  const initRng = createRng(deriveSeed(opts.seed, 'init'))
  const batchRng = createRng(deriveSeed(opts.seed, 'batches'))
  const noiseRng = createRng(deriveSeed(opts.seed, 'noise'))
  const sampleRng = createRng(deriveSeed(opts.seed, 'sample'))

  const theta = new Float64Array(n)
  for (let k = 0; k < n; k++) theta[k] = theta0Std * initRng.normal()
  const mAdam = new Float64Array(n)
  const vAdam = new Float64Array(n)
  const grad = new Float64Array(n)
  const ws = makeWorkspace(sizes, B)
  const eps = new Float64Array(noiseCount(sizes, B))
  const bx = ws.acts[0] // unit-major: feature i of batch row b at i·B + b
  const by = new Int32Array(B)

  const perm = new Int32Array(train.rows)
  for (let r = 0; r < train.rows; r++) perm[r] = r
  batchRng.shuffle(perm)
  let cursor = 0

  const curve: TrialResult['curve'] = []
  let step = 0
  let stopped = false
  outer: for (let epoch = 1; epoch <= opts.epochs; epoch++) {
    let lossSum = 0
    for (let bi = 0; bi < opts.batchesPerEpoch; bi++) {
      if (opts.shouldStop?.()) {
        stopped = true
        break outer
      }
      for (let b = 0; b < B; b++) {
        if (cursor >= perm.length) {
          batchRng.shuffle(perm)
          cursor = 0
        }
        const r = perm[cursor++]
        const src = r * F
        for (let i = 0; i < F; i++) bx[i * B + b] = train.x[src + i]
        by[b] = train.y[r]
      }
      fillNormal(noiseRng, eps)
      lossSum += mfCore(sizes, scale, theta, by, eps, ws, grad)
      step++
      const c1 = 1 / (1 - Math.pow(beta1, step))
      const c2 = 1 / (1 - Math.pow(beta2, step))
      for (let k = 0; k < n; k++) {
        const g = grad[k] + l2 * theta[k]
        const m = beta1 * mAdam[k] + (1 - beta1) * g
        const v = beta2 * vAdam[k] + (1 - beta2) * g * g
        mAdam[k] = m
        vAdam[k] = v
        theta[k] -= (lr * (m * c1)) / (Math.sqrt(v * c2) + adamEps)
      }
    }
    const record = epoch % curveEvery === 0 || epoch === opts.epochs
    if (record || opts.onEpoch) {
      const loss = lossSum / Math.max(1, opts.batchesPerEpoch)
      const acc = meanFieldAccuracy(sizes, theta, test)
      if (record) curve.push({ epoch, loss, testAccuracy: acc })
      opts.onEpoch?.(epoch, loss, acc)
    }
  }

  let spins = new Int8Array(n)
  let testAccuracy: number
  if (stopped) {
    for (let k = 0; k < n; k++) spins[k] = theta[k] >= 0 ? 1 : -1
    testAccuracy = binaryNetAccuracy(sizes, spins, test)
  } else {
    testAccuracy = -1
    const cand = new Int8Array(n)
    for (let s = 0; s < samples; s++) {
      sampleSpins(theta, sampleRng, cand)
      const acc = binaryNetAccuracy(sizes, cand, test)
      if (acc > testAccuracy) {
        testAccuracy = acc
        spins = cand.slice()
      }
    }
  }
  const trainAccuracy = binaryNetAccuracy(sizes, spins, train)
  return {
    spins,
    testAccuracy,
    trainAccuracy,
    accepted: !stopped && testAccuracy >= opts.threshold,
    curve,
    seconds: (now() - t0) / 1000,
    stopped,
    theta
  }
}
