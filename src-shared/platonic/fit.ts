/**
 * Platonic projections (thesis ch. 7; spec `platonic.md`): an MLP fitted layer by layer in closed form, no
 * gradient descent. For hidden layer i, with Zb = [1 | Z_{i−1}] (Z₀ = X): a target T = α·[Zb | β·Y]·P for a
 * projection P (random N(0, 1), or the top principal directions of α[Zb | βY] — "Platonic PCA"), weights
 * W = argmin ‖Zb·W − T‖ by the chosen solver, Z_i = σ(Zb·W); of N_tries random P the one whose Z_i has the
 * lowest least-squares distance to Y is kept. The output layer is W_out = argmin ‖[1 | Z_L]·W − Y‖.
 *
 * Every solve is float64 through ml-matrix (tfjs is float32-only and has no SVD, pinv or solve): `pinv` (the
 * SVD pseudo-inverse, computed once per layer and reused by every try), `lstsq` (an SVD least-squares solve per
 * try) and `ridge` ((ZbᵀZb + λI)⁻¹ZbᵀT by Cholesky). Pure: no I/O, a seeded RNG.
 */
import { CholeskyDecomposition, Matrix, pseudoInverse, solve, EigenvalueDecomposition } from 'ml-matrix'
import { lsdFromMoments } from '../representations/lsd'
import { EPS32, mmul32, pinv32, toFloat32 } from './float32'
import type { Moments } from '../representations/moments'
import { createRng } from '../rng'

export const PLATONIC_ACTIVATIONS = ['tanh', 'relu', 'celu', 'sigmoid', 'linear'] as const
export type PlatonicActivation = (typeof PLATONIC_ACTIVATIONS)[number]
export const PLATONIC_SOLVERS = ['pinv', 'lstsq', 'ridge'] as const
export type PlatonicSolver = (typeof PLATONIC_SOLVERS)[number]
/** Random P, Platonic PCA, or random W itself (the extreme learning machine: no projection, no solve). */
/**
 * random: P ~ N(0, 1) (N_tries); pca: Platonic PCA; sorted-pca: the first layer's weights are training samples picked
 * evenly along the data's first principal component (§7.8.2), later layers Platonic PCA (the thesis's "fully
 * deterministic" fit); elm: random W ~ α·N(0, 1), no projection (the extreme learning machine).
 */
export const PROJECTIONS = ['random', 'pca', 'sorted-pca', 'elm'] as const
export type Projection = (typeof PROJECTIONS)[number]

export interface PlatonicOptions {
  hidden: number[]
  activation: PlatonicActivation
  alpha: number
  beta: number
  tries: number
  solver: PlatonicSolver
  /** Ridge λ (solver 'ridge'). */
  lambda: number
  /** pinv's relative singular-value cut-off (numpy's rcond). */
  rcond: number
  projection: Projection
  seed: number
  /** Measure every layer's LSD (an SVD solve per layer: seconds for a 785-column MNIST layer); tries > 1 always measure theirs. */
  measureLsd?: boolean
  /**
   * float64 (default) or float32: every matrix of the fit rounded to single precision, products accumulated in it
   * and pinv / lstsq by a float32 SVD (float32.ts) — the thesis's CPU32 columns. Ridge is float64 only.
   */
  precision?: Precision
  /** pinv's absolute singular-value cut-off (numpy's atol; the thesis's float32 "atol 1e-5"). */
  atol?: number
}

export const PRECISIONS = ['float64', 'float32'] as const
export type Precision = (typeof PRECISIONS)[number]

export interface PlatonicLayer {
  /** (inputs + 1) × outputs, the first row the bias. */
  w: Matrix
  activation: PlatonicActivation | 'linear'
}

export interface PlatonicFit {
  layers: PlatonicLayer[]
  /** LSD of the input (layer 0) and of every hidden layer's kept representation (NaN where not measured). */
  lsd: number[]
  /** Per hidden layer: the LSD of each try (in order), so the gain of more tries shows. */
  tryLsd: number[][]
  precision: Precision
}

export function activate(a: PlatonicActivation | 'linear', v: number): number {
  switch (a) {
    case 'tanh':
      return Math.tanh(v)
    case 'relu':
      return v > 0 ? v : 0
    case 'celu':
      return v > 0 ? v : Math.expm1(v)
    case 'sigmoid':
      return 1 / (1 + Math.exp(-v))
    default:
      return v
  }
}

/** [1 | Z]. */
export function withBias(z: Matrix): Matrix {
  const out = new Matrix(z.rows, z.columns + 1)
  for (let r = 0; r < z.rows; r++) {
    out.set(r, 0, 1)
    for (let c = 0; c < z.columns; c++) out.set(r, c + 1, z.get(r, c))
  }
  return out
}

function applyActivation(m: Matrix, a: PlatonicActivation | 'linear'): Matrix {
  if (a === 'linear') return m
  for (let r = 0; r < m.rows; r++) for (let c = 0; c < m.columns; c++) m.set(r, c, activate(a, m.get(r, c)))
  return m
}

/**
 * The LSD of representation Z (no bias column) against Y: representations/lsd.ts from Z's moments (an intercept,
 * a cols × cols eigendecomposition instead of an SVD of the m × cols matrix: choosing among 50 tries on 4 000 rows
 * went from 27 s to well under a second per layer).
 */
export function lsdOf(z: Matrix, y: Matrix): number {
  const zt = z.transpose()
  const mo: Moments = {
    m: z.rows,
    d: z.columns,
    c: y.columns,
    gram: Float64Array.from(zt.mmul(z).to1DArray()),
    zy: Float64Array.from(zt.mmul(y).to1DArray()),
    zSum: Float64Array.from(z.sum('column')),
    ySum: Float64Array.from(y.sum('column')),
    yy: y.norm('frobenius') ** 2
  }
  return lsdFromMoments(mo, { bias: true, rcond: 1e-12, ridge: 0 }).lsd
}

/** A solver for Zb: T ↦ W with Zb·W ≈ T. */
export function solverFor(zb: Matrix, solver: PlatonicSolver, lambda: number, rcond: number, precision: Precision = 'float64', atol = 0): (t: Matrix) => Matrix {
  if (precision === 'float32') {
    if (solver === 'ridge') throw new Error('the ridge solve is float64 only here (the thesis\'s float32 "solve" failed on CPU); use pinv or lstsq for float32')
    // lstsq: numpy's cut-off, machine epsilon × the larger dimension.
    const s = pinv32(zb, solver === 'lstsq' ? EPS32 * Math.max(zb.rows, zb.columns) : rcond, atol)
    return (t) => mmul32(s, t)
  }
  if (solver === 'pinv') {
    const s = pseudoInverse(zb, rcond)
    return (t) => s.mmul(t)
  }
  if (solver === 'lstsq') return (t) => solve(zb, t, true)
  const zt = zb.transpose()
  const g = zt.mmul(zb)
  for (let i = 0; i < g.rows; i++) g.set(i, i, g.get(i, i) + lambda)
  const chol = new CholeskyDecomposition(g)
  if (!chol.isPositiveDefinite()) throw new Error('the ridge system ZᵀZ + λI is not positive definite (λ too small for this layer)')
  return (t) => chol.solve(zt.mmul(t))
}

/** The top-d principal directions (columns) of the rows of m; d ≤ columns. */
function principalDirections(m: Matrix, d: number): Matrix {
  const cols = m.columns
  if (d > cols) throw new Error(`Platonic PCA gives at most ${cols} directions here (inputs + 1 + outputs); the layer asks for ${d}`)
  const mean = m.mean('column')
  const c = new Matrix(m.rows, cols)
  for (let r = 0; r < m.rows; r++) for (let j = 0; j < cols; j++) c.set(r, j, m.get(r, j) - mean[j])
  const cov = c.transpose().mmul(c)
  const e = new EigenvalueDecomposition(cov, { assumeSymmetric: true })
  const order = e.realEigenvalues.map((v, i) => [v, i] as const).sort((a, b) => b[0] - a[0])
  const out = new Matrix(cols, d)
  for (let k = 0; k < d; k++) for (let r = 0; r < cols; r++) out.set(r, k, e.eigenvectorMatrix.get(r, order[k][1]))
  return out
}

/**
 * Sorted PCA (thesis §7.8.2): project the samples on the data's first principal component, sort, and take the
 * samples at `width` evenly spaced ranks as weight vectors. Centred: unit k computes (x − μ)·(x_k − μ), its bias
 * −(x_k − μ)·μ, so the ReLU gates on the correlation with the chosen sample (the thesis's listing is not in the
 * text; centring is our reading of "PCA"). (d + 1) × width, the first row the bias.
 */
export function sortedPcaWeights(x: Matrix, width: number): Matrix {
  const n = x.rows
  const d = x.columns
  if (width > n) throw new Error(`sorted PCA picks ${width} samples as weight vectors, but there are ${n} training samples`)
  const mu = x.mean('column')
  const c = principalDirections(x, 1)
  const v = Array.from({ length: n }, (_, r) => {
    let s = 0
    for (let j = 0; j < d; j++) s += (x.get(r, j) - mu[j]) * c.get(j, 0)
    return [s, r] as const
  }).sort((a, b) => a[0] - b[0])
  const w = new Matrix(d + 1, width)
  for (let k = 0; k < width; k++) {
    const r = v[Math.min(n - 1, Math.floor(((k + 0.5) * n) / width))][1]
    let bias = 0
    for (let j = 0; j < d; j++) {
      const wj = x.get(r, j) - mu[j]
      w.set(j + 1, k, wj)
      bias -= wj * mu[j]
    }
    w.set(0, k, bias)
  }
  return w
}

/** Fit the network to inputs X (n × d) and targets Y (n × k: ±1 or one-hot labels, or regression values). */
export function platonicFit(x: Matrix, y: Matrix, o: PlatonicOptions): PlatonicFit {
  const rng = createRng(o.seed)
  const precision = o.precision ?? 'float64'
  const single = precision === 'float32'
  /** Rounds a matrix to float32 in a float32 fit. */
  const stored = (m: Matrix) => (single ? toFloat32(m) : m)
  const mul = (a: Matrix, b: Matrix) => (single ? mmul32(a, b) : a.mmul(b))
  if (single) {
    x = toFloat32(x)
    y = toFloat32(y)
  }
  let z = x
  const layers: PlatonicLayer[] = []
  const measure = o.measureLsd ?? true
  const lsd = [measure ? lsdOf(x, y) : NaN]
  const tryLsd: number[][] = []
  for (const width of o.hidden) {
    const zb = withBias(z)
    if (o.projection === 'sorted-pca' && layers.length === 0) {
      const w = stored(sortedPcaWeights(z, width))
      z = stored(applyActivation(mul(zb, w), o.activation))
      layers.push({ w, activation: o.activation })
      lsd.push(measure ? lsdOf(z, y) : NaN)
      tryLsd.push([lsd.at(-1)!])
      continue
    }
    if (o.projection === 'elm') {
      // Random W ~ α·N(0, 1), as the thesis's extreme learning machine (no target, no solve).
      const scale = o.alpha
      const w = stored(Matrix.from1DArray(zb.columns, width, Float64Array.from({ length: zb.columns * width }, () => scale * rng.normal())))
      z = stored(applyActivation(mul(zb, w), o.activation))
      layers.push({ w, activation: o.activation })
      lsd.push(measure ? lsdOf(z, y) : NaN)
      tryLsd.push([lsd.at(-1)!])
      continue
    }
    const solveFor = solverFor(zb, o.solver, o.lambda, o.rcond, precision, o.atol ?? 0)
    // The augmented matrix α[Zb | βY] the projections act on.
    const aug = new Matrix(zb.rows, zb.columns + y.columns)
    for (let r = 0; r < zb.rows; r++) {
      for (let c = 0; c < zb.columns; c++) aug.set(r, c, o.alpha * zb.get(r, c))
      for (let c = 0; c < y.columns; c++) aug.set(r, zb.columns + c, o.alpha * o.beta * y.get(r, c))
    }
    if (single) aug.setSubMatrix(toFloat32(aug), 0, 0)
    let best: { w: Matrix; z: Matrix; lsd: number } | null = null
    const deterministic = o.projection === 'pca' || o.projection === 'sorted-pca'
    const tries = deterministic ? 1 : o.tries
    const scores: number[] = []
    for (let t = 0; t < tries; t++) {
      const p = stored(deterministic ? principalDirections(aug, width) : Matrix.from1DArray(aug.columns, width, Float64Array.from({ length: aug.columns * width }, () => rng.normal())))
      const w = solveFor(mul(aug, p))
      const zi = stored(applyActivation(mul(zb, w), o.activation))
      const score = tries > 1 ? lsdOf(zi, y) : NaN
      scores.push(score)
      if (!best || score < best.lsd) best = { w, z: zi, lsd: score }
    }
    layers.push({ w: best!.w, activation: o.activation })
    z = best!.z
    lsd.push(tries > 1 ? best!.lsd : measure ? lsdOf(z, y) : NaN)
    tryLsd.push(tries > 1 ? scores : [lsd.at(-1)!])
  }
  const zb = withBias(z)
  layers.push({ w: solverFor(zb, o.solver === 'ridge' ? 'ridge' : 'pinv', o.lambda, o.rcond, precision, o.atol ?? 0)(y), activation: 'linear' })
  return { layers, lsd, tryLsd, precision }
}

/** The fitted network's outputs for inputs X (in the fit's precision). */
export function platonicPredict(fit: Pick<PlatonicFit, 'layers'> & { precision?: Precision }, x: Matrix): Matrix {
  const single = fit.precision === 'float32'
  let z = single ? toFloat32(x) : x
  for (const l of fit.layers) z = single ? toFloat32(applyActivation(mmul32(withBias(z), l.w), l.activation)) : applyActivation(withBias(z).mmul(l.w), l.activation)
  return z
}

/** Accuracy of outputs against targets: by sign for one output (±1 targets), by argmax otherwise. */
export function accuracyOf(out: Matrix, y: Matrix): number {
  let hit = 0
  for (let r = 0; r < out.rows; r++) {
    if (out.columns === 1) {
      if (Math.sign(out.get(r, 0)) === Math.sign(y.get(r, 0))) hit++
      continue
    }
    let a = 0
    let b = 0
    for (let c = 1; c < out.columns; c++) {
      if (out.get(r, c) > out.get(r, a)) a = c
      if (y.get(r, c) > y.get(r, b)) b = c
    }
    if (a === b) hit++
  }
  return out.rows ? hit / out.rows : NaN
}

export function mseOf(out: Matrix, y: Matrix): number {
  let s = 0
  for (let r = 0; r < out.rows; r++) for (let c = 0; c < out.columns; c++) s += (out.get(r, c) - y.get(r, c)) ** 2
  return s / (out.rows * out.columns)
}
