/**
 * Checks for the effective model: exact enumeration (N ≤ 20), an exact sampler, and pseudo-likelihood
 * fitting as an estimator independent of BP.
 */
import type { Rng } from '../rng'
import type { IsingModel } from './bp'
import type { PackedConfigs } from './bitpack'

const MAX_EXACT = 20

/** Log weight −E(σ) of every state s (bit k of s = spin k is +1), by Gray code: O(N) per state. */
function logWeights(model: IsingModel): Float64Array {
  const { n, J, h } = model
  if (n > MAX_EXACT) throw new Error(`exact enumeration needs N ≤ ${MAX_EXACT}, got ${n}`)
  const S = 1 << n
  const lw = new Float64Array(S)
  const s = new Float64Array(n).fill(-1)
  // φ_i = h_i + Σ_j J_ij σ_j for the all −1 state.
  const phi = new Float64Array(n)
  let w = 0
  for (let i = 0; i < n; i++) {
    let f = h[i]
    for (let j = 0; j < n; j++) f -= J[i * n + j]
    phi[i] = f
    w -= h[i]
  }
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) w += J[i * n + j]
  let code = 0
  lw[0] = w
  for (let g = 1; g < S; g++) {
    const k = 31 - Math.clz32(g & -g)
    // Flipping σ_k changes −E by −2σ_k φ_k, and φ_i by −2 J_ik σ_k.
    w -= 2 * s[k] * phi[k]
    const sk = s[k]
    for (let i = 0; i < n; i++) phi[i] -= 2 * J[i * n + k] * sk
    s[k] = -sk
    code ^= 1 << k
    lw[code] = w
  }
  return lw
}

export interface ExactMoments {
  m: Float64Array
  C: Float64Array
  logZ: number
  entropy: number
  /** ⟨E⟩. */
  energy: number
}

export function exactMoments(model: IsingModel): ExactMoments {
  const { n } = model
  const lw = logWeights(model)
  let mx = -Infinity
  for (let s = 0; s < lw.length; s++) if (lw[s] > mx) mx = lw[s]
  let Z = 0
  let Ew = 0
  const m = new Float64Array(n)
  const C = new Float64Array(n * n)
  const sp = new Float64Array(n)
  for (let s = 0; s < lw.length; s++) {
    const p = Math.exp(lw[s] - mx)
    Z += p
    Ew -= p * lw[s]
    for (let i = 0; i < n; i++) sp[i] = (s >>> i) & 1 ? 1 : -1
    for (let i = 0; i < n; i++) {
      const pi = p * sp[i]
      m[i] += pi
      for (let j = i + 1; j < n; j++) C[i * n + j] += pi * sp[j]
    }
  }
  for (let i = 0; i < n; i++) {
    m[i] /= Z
    C[i * n + i] = 1
    for (let j = i + 1; j < n; j++) C[j * n + i] = C[i * n + j] /= Z
  }
  const logZ = mx + Math.log(Z)
  const energy = Ew / Z
  return { m, C, logZ, entropy: logZ + energy, energy }
}

/** count independent exact samples (inverse CDF over all 2^N states), bit-packed. */
export function exactSample(model: IsingModel, count: number, rng: Rng): PackedConfigs {
  const { n } = model
  const lw = logWeights(model)
  let mx = -Infinity
  for (let s = 0; s < lw.length; s++) if (lw[s] > mx) mx = lw[s]
  const cdf = new Float64Array(lw.length)
  let acc = 0
  for (let s = 0; s < lw.length; s++) cdf[s] = acc += Math.exp(lw[s] - mx)
  const W = (n + 31) >>> 5
  const bits = new Uint32Array(count * W)
  for (let c = 0; c < count; c++) {
    const u = rng.next() * acc
    let lo = 0
    let hi = cdf.length - 1
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (cdf[mid] > u) hi = mid
      else lo = mid + 1
    }
    bits[c * W] = lo // n ≤ 20: one word
  }
  return { n, count, wordsPerConfig: W, bits }
}

export interface PseudoLikelihoodOptions {
  steps?: number
  lr?: number
  l2?: number
  /** Use at most this many configurations (evenly spaced). */
  maxSamples?: number
}

/**
 * Symmetric pseudo-likelihood fit: maximise (1/M) Σ_c Σ_i log P(σ_i | σ_\i) − (l2/2)‖J‖² over a symmetric J
 * (the gradient is G + Gᵀ, which is the symmetrised PL; J_ij and J_ji are one parameter) and h, by Adam.
 * Cost per step ≈ M·N² additions: spins are ±1, so X·J and Rᵀ·X are sums of selected rows (no multiplies):
 *   φ_c = 2 Σ_{j: σ_cj=+1} J[j,:] − Σ_j J[j,:],   G[j,:] = 2 Σ_{c: σ_cj=+1} R[c,:] − Σ_c R[c,:].
 */
export function pseudoLikelihoodFit(data: PackedConfigs, opts: PseudoLikelihoodOptions = {}): IsingModel {
  const { n } = data
  const steps = opts.steps ?? 200
  const lr = opts.lr ?? 0.05
  const l2 = opts.l2 ?? 1e-4
  const Mall = data.count
  const M = Math.min(Mall, opts.maxSamples ?? 5000)
  // Indices of +1 spins per selected config (CSR), the only thing the row-sum kernels need.
  const plusStart = new Int32Array(M + 1)
  const plusIdx: number[] = []
  const X = new Float64Array(M * n)
  const W = data.wordsPerConfig
  for (let r = 0; r < M; r++) {
    const c = Math.floor((r * Mall) / M)
    for (let i = 0; i < n; i++) {
      const up = (data.bits[c * W + (i >>> 5)] >>> (i & 31)) & 1
      X[r * n + i] = up ? 1 : -1
      if (up) plusIdx.push(i)
    }
    plusStart[r + 1] = plusIdx.length
  }
  const plus = Int32Array.from(plusIdx)
  const J = new Float64Array(n * n)
  const h = new Float64Array(n)
  const G = new Float64Array(n * n)
  const gh = new Float64Array(n)
  const R = new Float64Array(M * n)
  const colJ = new Float64Array(n)
  const colR = new Float64Array(n)
  const mJ = new Float64Array(n * n), vJ = new Float64Array(n * n)
  const mh = new Float64Array(n), vh = new Float64Array(n)
  const b1 = 0.9, b2 = 0.999, eps = 1e-8
  for (let step = 1; step <= steps; step++) {
    // colJ = Σ_j J[j,:] (J symmetric: row j = column j).
    colJ.fill(0)
    for (let j = 0; j < n; j++) for (let i = 0, o = j * n; i < n; i++) colJ[i] += J[o + i]
    colR.fill(0)
    gh.fill(0)
    for (let r = 0; r < M; r++) {
      const ro = r * n
      const phi = R.subarray(ro, ro + n)
      for (let i = 0; i < n; i++) phi[i] = h[i] - colJ[i]
      for (let p = plusStart[r]; p < plusStart[r + 1]; p++) {
        const o = plus[p] * n
        for (let i = 0; i < n; i++) phi[i] += 2 * J[o + i]
      }
      // R = σ − tanh(φ): ∂/∂φ of log P(σ_i | rest).
      for (let i = 0; i < n; i++) {
        const v = X[ro + i] - Math.tanh(phi[i])
        phi[i] = v
        colR[i] += v
      }
    }
    G.fill(0)
    for (let r = 0; r < M; r++) {
      const ro = r * n
      for (let p = plusStart[r]; p < plusStart[r + 1]; p++) {
        const o = plus[p] * n
        for (let i = 0; i < n; i++) G[o + i] += R[ro + i]
      }
    }
    // G[j,i] = Σ_c σ_cj R_ci; symmetrise G + Gᵀ, scale 1/M, L2, zero diagonal.
    for (let j = 0; j < n; j++) {
      gh[j] = colR[j] / M
      for (let i = j; i < n; i++) {
        const gji = (2 * G[j * n + i] - colR[i]) / M
        const gij = (2 * G[i * n + j] - colR[j]) / M
        const g = i === j ? 0 : gji + gij - l2 * J[j * n + i]
        G[j * n + i] = G[i * n + j] = g
      }
    }
    // Cosine decay: full-batch Adam otherwise hovers ~lr around the optimum.
    const a = (lr * 0.5 * (1 + Math.cos((Math.PI * (step - 1)) / steps)))
    const c1 = 1 - Math.pow(b1, step), c2 = 1 - Math.pow(b2, step)
    for (let k = 0; k < n * n; k++) {
      const g = G[k]
      mJ[k] = b1 * mJ[k] + (1 - b1) * g
      vJ[k] = b2 * vJ[k] + (1 - b2) * g * g
      J[k] += (a * mJ[k]) / c1 / (Math.sqrt(vJ[k] / c2) + eps)
    }
    for (let i = 0; i < n; i++) {
      const g = gh[i]
      mh[i] = b1 * mh[i] + (1 - b1) * g
      vh[i] = b2 * vh[i] + (1 - b2) * g * g
      h[i] += (a * mh[i]) / c1 / (Math.sqrt(vh[i] / c2) + eps)
    }
    for (let i = 0; i < n; i++) J[i * n + i] = 0
  }
  return { n, J, h }
}
