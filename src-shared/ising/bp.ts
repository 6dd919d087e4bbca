/**
 * Dense belief propagation for P(σ) ∝ exp(Σ_{i<j} J_ij σ_iσ_j + Σ h_i σ_i) (effective-model study).
 * Messages M[i*n+j] = m_{i→(ij)}: cavity magnetisation of i with j removed. Parallel sweep:
 *   A = atanh(tanh(J) ∘ M);  H_j = Σ_i A[i,j];  M_new[j,i] = tanh(h_j + H_j − A[i,j]).
 *
 * Speed (one sweep, median, Node 20 on this 2-core EPYC box, N = 675 / 200): Math.atanh + Math.tanh per element
 * 12.6 / 1.0 ms; one log + one exp per element 9.6 / 0.74 ms; what is used below 2.4 / 0.24 ms (numpy's vectorised
 * arctanh/tanh: 1.8–2.4 / 0.13 ms):
 *  - H_j = ½ Σ ln((1+y)/(1−y)) is taken as ½ ln(Π(1+y)/Π(1−y)) over chunks of 16 (one log per 16 elements;
 *    with |y| ≤ 1−1e-15 each chunk product stays within 1e±240, no overflow);
 *  - tanh(X − atanh y) = (e^{2X}(1−y) − (1+y)) / (e^{2X}(1−y) + (1+y)): one exp per row, one division per element;
 *  - the transpose T∘M → YT runs over upper-triangle tiles, (i,j) and (j,i) together (0.55 vs 1.1 ms plain tiled).
 * Both are exact rewrites; after 5 sweeps the messages differ from the Math.atanh/tanh form by ≤ 1.3e-14.
 */
import type { Rng } from '../rng'

export interface IsingModel {
  n: number
  /** n*n, symmetric, zero diagonal. */
  J: Float64Array
  h: Float64Array
}

export interface BpOptions {
  maxSweeps?: number
  tol?: number
  /** 'mean': mean |Δ message| over the n(n−1) messages; 'max': the largest. */
  tolKind?: 'mean' | 'max'
  damping?: number
  /** Raise damping stepwise (≤ 0.9) when the change keeps growing (oscillation). */
  adaptiveDamping?: boolean
  /** Added to h (the landscape tilt x σ*). */
  extraField?: Float64Array
  /** Precomputed tanh J etc. for repeated calls on an unchanged J (couplingCache); J must not change meanwhile. */
  cache?: CouplingCache
}

export interface CouplingCache {
  /** tanh J, clamped (tanhCouplings). */
  T: Float64Array
  /** Σ_{i<j} ln cosh J_ij. */
  logCoshSum: number
}

export function couplingCache(model: IsingModel): CouplingCache {
  const { n, J } = model
  let lc = 0
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) lc += logCosh(J[i * n + j])
  return { T: tanhCouplings(J), logCoshSum: lc }
}

export interface BpResult {
  m: Float64Array
  converged: boolean
  sweeps: number
  damping: number
}

const CLAMP = 1 - 1e-15

export function isingEnergy(model: IsingModel, spins: ArrayLike<number>): number {
  const { n, J, h } = model
  let e = 0
  for (let i = 0; i < n; i++) {
    let f = h[i]
    for (let j = i + 1; j < n; j++) f += J[i * n + j] * spins[j]
    e -= f * spins[i]
  }
  return e
}

export function initMessages(n: number, rng: Rng, std = 0.01): Float64Array {
  const M = new Float64Array(n * n)
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) M[i * n + j] = Math.max(-1, Math.min(1, std * rng.normal()))
  return M
}

/** tanh(J), clamped to ±(1−1e-15) so that |tanh J · m| < 1 for every |m| ≤ 1 (no clamp needed per sweep). */
export function tanhCouplings(J: Float64Array): Float64Array {
  const T = new Float64Array(J.length)
  for (let k = 0; k < J.length; k++) {
    const t = Math.tanh(J[k])
    T[k] = t > CLAMP ? CLAMP : t < -CLAMP ? -CLAMP : t
  }
  return T
}

/** Scratch for bpSweep; reuse across sweeps (no allocation per sweep). */
export interface BpWorkspace {
  n: number
  /** YT[j*n+i] = tanh(J_ij)·M[i,j] (old messages, transposed so row j is contiguous). */
  YT: Float64Array
  /** Cavity-free local fields h_j + x_j + H_j of the last sweep. */
  X: Float64Array
}

export function bpWorkspace(n: number): BpWorkspace {
  return { n, YT: new Float64Array(n * n), X: new Float64Array(n) }
}

const TILE = 32

/**
 * One parallel sweep, in place, with damping d: M ← (1−d)·M_new + d·M. Returns the mean and max |ΔM| over
 * the off-diagonal messages. h must already include any extra field. ws.X gets h_j + H_j (from the old messages).
 */
export function bpSweep(n: number, T: Float64Array, h: Float64Array, M: Float64Array, damping: number, ws: BpWorkspace): { mean: number; max: number } {
  const { YT, X } = ws
  // Blocked transpose-multiply YT[j,i] = T[i,j]·M[i,j] over upper-triangle tiles, both (i,j) and (j,i) per T
  // load (T symmetric): half the strided traffic of a plain tiled transpose.
  for (let i0 = 0; i0 < n; i0 += TILE) {
    const i1 = Math.min(n, i0 + TILE)
    for (let j0 = i0; j0 < n; j0 += TILE) {
      const j1 = Math.min(n, j0 + TILE)
      for (let i = i0; i < i1; i++) {
        for (let j = j0 > i ? j0 : i, a = i * n + j, b = j * n + i; j < j1; j++, a++, b += n) {
          const t = T[a]
          const ma = M[a]
          YT[a] = t * M[b]
          YT[b] = t * ma
        }
      }
    }
  }
  accSum = 0
  accMax = 0
  const keep = 1 - damping
  for (let j = 0; j < n; j++) {
    const row = j * n
    // H_j = ½ ln Π (1+y)/(1−y) in chunks of 16 (diagonal y = 0 contributes a factor 1).
    let H = 0
    for (let i0 = 0; i0 < n; i0 += 16) {
      const i1 = i0 + 16 < n ? i0 + 16 : n
      // Two product chains each for 1+y and 1−y: halves the multiply latency chain.
      let p0 = 1, p1 = 1, q0 = 1, q1 = 1
      let i = i0
      for (; i + 1 < i1; i += 2) {
        const y0 = YT[row + i], y1 = YT[row + i + 1]
        p0 *= 1 + y0
        q0 *= 1 - y0
        p1 *= 1 + y1
        q1 *= 1 - y1
      }
      if (i < i1) {
        const y = YT[row + i]
        p0 *= 1 + y
        q0 *= 1 - y
      }
      H += Math.log((p0 * p1) / (q0 * q1))
    }
    let x = h[j] + 0.5 * H
    X[j] = x
    // e^{2x} stays finite for |x| ≤ 350; tanh(x − atanh y) is ±1 to double precision long before that.
    if (x > 350) x = 350
    else if (x < -350) x = -350
    const E = Math.exp(2 * x)
    // Two ranges around the diagonal (no per-element branch); undamped sweeps skip the mixing.
    if (damping === 0) {
      updateRange(M, YT, row, row + j, E)
      updateRange(M, YT, row + j + 1, row + n, E)
    } else {
      updateRangeDamped(M, YT, row, row + j, E, keep, damping)
      updateRangeDamped(M, YT, row + j + 1, row + n, E, keep, damping)
    }
    M[row + j] = 0
  }
  const sum = accSum
  const max = accMax
  return { mean: n > 1 ? sum / (n * (n - 1)) : 0, max }
}

// Running |Δ| sum and max of the current sweep (module scratch: the range kernels return nothing, no allocation).
let accSum = 0
let accMax = 0

/** M[k] ← tanh(x − atanh y_k) = (E(1−y) − (1+y)) / (E(1−y) + (1+y)), E = e^{2x}, over k ∈ [from, to). */
function updateRange(M: Float64Array, YT: Float64Array, from: number, to: number, E: number): void {
  let sum = 0
  let max = accMax
  for (let k = from; k < to; k++) {
    const y = YT[k]
    const a = E * (1 - y)
    const b = 1 + y
    const nu = (a - b) / (a + b)
    const old = M[k]
    M[k] = nu
    const d = nu > old ? nu - old : old - nu
    sum += d
    if (d > max) max = d
  }
  accSum += sum
  accMax = max
}

function updateRangeDamped(M: Float64Array, YT: Float64Array, from: number, to: number, E: number, keep: number, damping: number): void {
  let sum = 0
  let max = accMax
  for (let k = from; k < to; k++) {
    const y = YT[k]
    const a = E * (1 - y)
    const b = 1 + y
    const old = M[k]
    const nu = keep * ((a - b) / (a + b)) + damping * old
    M[k] = nu
    const d = nu > old ? nu - old : old - nu
    sum += d
    if (d > max) max = d
  }
  accSum += sum
  accMax = max
}

/** Run sweeps until converged; msgs updated in place (warm starts). m_i = tanh(h_i + x_i + H_i). */
export function runBp(model: IsingModel, msgs: Float64Array, opts: BpOptions = {}): BpResult {
  const { n, J } = model
  const maxSweeps = opts.maxSweeps ?? 1000
  const tol = opts.tol ?? 1e-4
  const useMax = (opts.tolKind ?? 'mean') === 'max'
  const adaptive = opts.adaptiveDamping ?? true
  let damping = opts.damping ?? 0
  const h = effectiveField(model, opts.extraField)
  const T = opts.cache?.T ?? tanhCouplings(J)
  const ws = bpWorkspace(n)
  let converged = false
  let sweeps = 0
  let prev = Infinity
  let growing = 0
  while (sweeps < maxSweeps) {
    const { mean, max } = bpSweep(n, T, h, msgs, damping, ws)
    sweeps++
    const delta = useMax ? max : mean
    if (delta <= tol) {
      converged = true
      break
    }
    if (adaptive) {
      // Growing change for 3 sweeps in a row = oscillation: damp harder.
      growing = delta > prev ? growing + 1 : 0
      if (growing >= 3 && damping < 0.9) {
        damping = Math.min(0.9, damping + 0.1)
        growing = 0
      }
    }
    prev = delta
  }
  return { m: bpMagnetisations(model, msgs, opts.extraField, T), converged, sweeps, damping }
}

function effectiveField(model: IsingModel, extra?: Float64Array): Float64Array {
  const h = Float64Array.from(model.h)
  if (extra) for (let i = 0; i < model.n; i++) h[i] += extra[i]
  return h
}

/** m_i = tanh(h̃_i + Σ_j atanh(tanh J_ji · M[j,i])) from the current messages. */
export function bpMagnetisations(model: IsingModel, msgs: Float64Array, extraField?: Float64Array, T?: Float64Array): Float64Array {
  const { n } = model
  const h = effectiveField(model, extraField)
  const { Lp, Lm } = siteLogSums(n, T ?? tanhCouplings(model.J), msgs)
  const m = new Float64Array(n)
  for (let i = 0; i < n; i++) m[i] = Math.tanh(h[i] + 0.5 * (Lp[i] - Lm[i]))
  return m
}

/**
 * Lp_i = Σ_j ln(1 + y_ji), Lm_i = Σ_j ln(1 − y_ji), y_ji = t_ij m_{j→(ij)} = T[j,i]·M[j,i] (so the cavity field
 * sum H_i = ½(Lp_i − Lm_i)). Row-major over j with per-column chunk products flushed every 16 rows.
 */
function siteLogSums(n: number, T: Float64Array, msgs: Float64Array): { Lp: Float64Array; Lm: Float64Array } {
  const Lp = new Float64Array(n)
  const Lm = new Float64Array(n)
  const P = new Float64Array(n).fill(1)
  const Q = new Float64Array(n).fill(1)
  for (let j = 0; j < n; j++) {
    const row = j * n
    for (let i = 0; i < n; i++) {
      const y = T[row + i] * msgs[row + i]
      P[i] *= 1 + y
      Q[i] *= 1 - y
    }
    if ((j & 15) === 15 || j === n - 1) {
      for (let i = 0; i < n; i++) {
        Lp[i] += Math.log(P[i])
        Lm[i] += Math.log(Q[i])
      }
      P.fill(1)
      Q.fill(1)
    }
  }
  return { Lp, Lm }
}

/** C_ij = (t + M[i,j]M[j,i]) / (1 + t M[i,j]M[j,i]), t = tanh J_ij; C_ii = 1. Symmetric in i, j. */
export function bpCorrelations(model: IsingModel, msgs: Float64Array): Float64Array {
  const { n, J } = model
  const C = new Float64Array(n * n)
  for (let i = 0; i < n; i++) {
    C[i * n + i] = 1
    for (let j = i + 1; j < n; j++) {
      const t = Math.tanh(J[i * n + j])
      const p = msgs[i * n + j] * msgs[j * n + i]
      C[i * n + j] = C[j * n + i] = (t + p) / (1 + t * p)
    }
  }
  return C
}

/** ln cosh x without overflow. */
const logCosh = (x: number) => {
  const a = Math.abs(x)
  return a + Math.log1p(Math.exp(-2 * a)) - Math.LN2
}

const logAddExp = (a: number, b: number) => (a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b)))

/**
 * Bethe free energy at the current messages (seed 004 eq. B1), F = −ln Z_Bethe = Σ_i ΔF_i − Σ_(ij) ΔF_ij:
 *   −ΔF_i  = ln[e^{h̃_i} Π_j cosh J_ij (1 + t_ij m_{j→(ij)}) + e^{−h̃_i} Π_j cosh J_ij (1 − t_ij m_{j→(ij)})]
 *   −ΔF_ij = ln[cosh J_ij (1 + t_ij m_{i→(ij)} m_{j→(ij)})]
 * Energy E = ⟨E⟩ = −Σ_{i<j} J_ij C_ij − Σ h̃_i m_i; entropy S = ln Z + ⟨E⟩ = −F + E.
 * Each cosh factor enters twice in the sites and once in the pairs, so Σ ln cosh over pairs remains once.
 * Products over hundreds of factors are logs of chunk products of 16 (as in bpSweep): no overflow, ~n²/8 logs.
 */
export function betheFreeEnergy(model: IsingModel, msgs: Float64Array, extraField?: Float64Array, cache?: CouplingCache): { F: number; E: number; S: number } {
  const { n, J } = model
  const h = effectiveField(model, extraField)
  const { T, logCoshSum } = cache ?? couplingCache(model)
  const { Lp, Lm } = siteLogSums(n, T, msgs)
  let lnZ = logCoshSum
  let E = 0
  for (let i = 0; i < n; i++) {
    lnZ += logAddExp(h[i] + Lp[i], -h[i] + Lm[i])
    // m_i = tanh(h̃_i + H_i), H_i = Σ atanh y = ½(Lp − Lm).
    E -= h[i] * Math.tanh(h[i] + 0.5 * (Lp[i] - Lm[i]))
  }
  // Pairs: ln Π (1 + t p) in chunks of 16 (each factor ≥ 1e-15), and the edge correlations for E.
  let prod = 1
  let count = 0
  for (let i = 0; i < n; i++) {
    for (let j = i + 1, a = i * n + j, b = j * n + i; j < n; j++, a++, b += n) {
      const t = T[a]
      const p = msgs[a] * msgs[b]
      const tp = t * p
      prod *= 1 + tp
      if (++count === 16) {
        lnZ -= Math.log(prod)
        prod = 1
        count = 0
      }
      E -= J[a] * ((t + p) / (1 + tp))
    }
  }
  lnZ -= Math.log(prod)
  const F = -lnZ
  return { F, E, S: -F + E }
}
