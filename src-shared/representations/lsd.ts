/**
 * The least-squares distance of thesis eq. 5.3: LSD = (1/m)‖Y − Z Z⁺ Y‖_F², how far the targets (one-hot labels; any Y) are from the
 * best linear (affine, with `bias`) function of a layer's representation Z. Computed from the moments in float64
 * through ml-matrix's symmetric eigendecomposition G = V Λ Vᵀ of the (centred) Gram matrix: with B = Zᵀ Y and
 * b_i = ‖v_iᵀ B‖², ‖Z W − Y‖² at the ridge solution W = V (Λ + r)⁻¹ Vᵀ B is
 *   ‖Y‖² − Σ_i b_i (2 / (λ_i + r) − λ_i / (λ_i + r)²),
 * which at r = 0 is ‖Y‖² − Σ b_i / λ_i: the pseudo-inverse, truncated to eigenvalues above rcond · λ_max (dead
 * ReLUs and constant pixels make Z rank-deficient; directions below the cut are the float32 Gram's noise).
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix'
import type { Moments } from './moments'

export interface LsdOptions {
  /** Fit an intercept (Z with a ones column), done by centring Z and Y. */
  bias: boolean
  /** Eigenvalues below rcond · λ_max count as zero (the truncated pseudo-inverse). */
  rcond: number
  /** Ridge r relative to the mean eigenvalue (0 = the truncated pseudo-inverse only). */
  ridge: number
}

export const LSD_DEFAULTS: LsdOptions = { bias: true, rcond: 1e-6, ridge: 0 }

export interface LsdResult {
  lsd: number
  /** Eigenvalues kept (the numerical rank of Z, centred when `bias`). */
  rank: number
}

/** Eigenvalues (descending) and the matching eigenvectors (columns of a d × d Matrix) of a symmetric matrix. */
export function symmetricEigen(a: Float64Array, d: number): { values: number[]; vectors: Matrix } {
  const m = new Matrix(d, d)
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) m.set(i, j, 0.5 * (a[i * d + j] + a[j * d + i]))
  const e = new EigenvalueDecomposition(m, { assumeSymmetric: true })
  const order = e.realEigenvalues.map((v, i) => [v, i] as const).sort((x, y) => y[0] - x[0])
  const vectors = new Matrix(d, d)
  order.forEach(([, src], col) => {
    for (let r = 0; r < d; r++) vectors.set(r, col, e.eigenvectorMatrix.get(r, src))
  })
  return { values: order.map(([v]) => v), vectors }
}

export function lsdFromMoments(mo: Moments, opts: LsdOptions = LSD_DEFAULTS): LsdResult {
  const { m, d, c } = mo
  if (m === 0) return { lsd: NaN, rank: 0 }
  const g = new Float64Array(d * d)
  const b = new Float64Array(d * c)
  let yy = mo.yy
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) g[i * d + j] = mo.gram[i * d + j] - (opts.bias ? (mo.zSum[i] * mo.zSum[j]) / m : 0)
    for (let k = 0; k < c; k++) b[i * c + k] = mo.zy[i * c + k] - (opts.bias ? (mo.zSum[i] * mo.ySum[k]) / m : 0)
  }
  if (opts.bias) for (let k = 0; k < c; k++) yy -= (mo.ySum[k] * mo.ySum[k]) / m
  const { values, vectors } = symmetricEigen(g, d)
  const top = Math.max(0, values[0] ?? 0)
  const cut = top * opts.rcond
  const mean = values.reduce((s, v) => s + Math.max(0, v), 0) / Math.max(1, d)
  const r = opts.ridge * mean
  let explained = 0
  let rank = 0
  for (let i = 0; i < d; i++) {
    const lam = values[i]
    if (!(lam > cut) || lam <= 0) continue
    rank++
    let bi = 0
    for (let k = 0; k < c; k++) {
      let p = 0
      for (let j = 0; j < d; j++) p += vectors.get(j, i) * b[j * c + k]
      bi += p * p
    }
    explained += bi * (2 / (lam + r) - lam / (lam + r) ** 2)
  }
  // Rounding can leave a tiny negative residual for an exactly solvable set.
  return { lsd: Math.max(0, yy - explained) / m, rank }
}
