/**
 * Single-precision arithmetic for the thesis's float32 comparison (§7.6, Table 7.1: float32 pinv is much less
 * stable than float64). No maintained JS library does an SVD in float32 (ml-matrix is float64 only, tfjs has no
 * SVD), so the pseudo-inverse here is a one-sided Jacobi SVD (Hestenes) with every stored value and every
 * accumulation rounded to float32 (Math.fround), the way LAPACK's sgesvd keeps its numbers in single precision.
 * It is slow next to float64 LAPACK-style code (O(sweeps · n² · m)); the fits it serves have ≤ a few hundred columns.
 */
import { Matrix } from 'ml-matrix'

const f = Math.fround
/** Columns (or rows, whichever is fewer) the float32 SVD takes: its cost grows with their square. */
export const MAX_FLOAT32_COLUMNS = 257

/** Machine epsilon of float32. */
export const EPS32 = 2 ** -23

/** A matrix with every entry rounded to float32 (a float32 array's values, held in ml-matrix). */
export function toFloat32(m: Matrix): Matrix {
  const out = new Matrix(m.rows, m.columns)
  for (let r = 0; r < m.rows; r++) for (let c = 0; c < m.columns; c++) out.set(r, c, f(m.get(r, c)))
  return out
}

/** A · B with float32 storage and float32 accumulation (as sgemm). */
export function mmul32(a: Matrix, b: Matrix): Matrix {
  if (a.columns !== b.rows) throw new Error(`mmul32: ${a.rows}×${a.columns} by ${b.rows}×${b.columns}`)
  const A = Float32Array.from(a.to1DArray())
  const B = Float32Array.from(b.to1DArray())
  const n = a.rows
  const k = a.columns
  const m = b.columns
  const out = new Float32Array(n * m)
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < k; p++) {
      const av = A[i * k + p]
      if (av === 0) continue
      for (let j = 0; j < m; j++) out[i * m + j] = f(out[i * m + j] + f(av * B[p * m + j]))
    }
  }
  return Matrix.from1DArray(n, m, out as unknown as number[])
}

export interface Svd32 {
  /** m × r left singular vectors (columns), r = min(m, n). */
  u: Float32Array
  s: Float32Array
  /** n × r right singular vectors (columns). */
  v: Float32Array
  rows: number
  cols: number
  rank: number
  sweeps: number
}

/** Thin SVD of a rows × cols matrix (rows ≥ cols) by one-sided Jacobi in float32. */
function jacobiSvd32(a: Float32Array, rows: number, cols: number, maxSweeps = 60): Svd32 {
  // Work on columns: a column-major copy so a rotation touches two contiguous runs.
  const A = new Float32Array(rows * cols)
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) A[c * rows + r] = a[r * cols + c]
  const V = new Float32Array(cols * cols)
  for (let i = 0; i < cols; i++) V[i * cols + i] = 1
  let sweeps = 0
  for (; sweeps < maxSweeps; sweeps++) {
    let rotated = false
    for (let p = 0; p < cols - 1; p++) {
      const po = p * rows
      for (let q = p + 1; q < cols; q++) {
        const qo = q * rows
        let alpha = 0
        let beta = 0
        let gamma = 0
        for (let i = 0; i < rows; i++) {
          const x = A[po + i]
          const y = A[qo + i]
          alpha = f(alpha + f(x * x))
          beta = f(beta + f(y * y))
          gamma = f(gamma + f(x * y))
        }
        if (gamma === 0 || Math.abs(gamma) <= EPS32 * Math.sqrt(alpha * beta)) continue
        rotated = true
        const zeta = f(f(beta - alpha) / f(2 * gamma))
        const t = f(Math.sign(zeta || 1) / f(Math.abs(zeta) + f(Math.sqrt(f(1 + f(zeta * zeta))))))
        const c = f(1 / f(Math.sqrt(f(1 + f(t * t)))))
        const s = f(c * t)
        for (let i = 0; i < rows; i++) {
          const x = A[po + i]
          const y = A[qo + i]
          A[po + i] = f(f(c * x) - f(s * y))
          A[qo + i] = f(f(s * x) + f(c * y))
        }
        const pv = p * cols
        const qv = q * cols
        for (let i = 0; i < cols; i++) {
          const x = V[pv + i]
          const y = V[qv + i]
          V[pv + i] = f(f(c * x) - f(s * y))
          V[qv + i] = f(f(s * x) + f(c * y))
        }
      }
    }
    if (!rotated) break
  }
  const s = new Float32Array(cols)
  for (let j = 0; j < cols; j++) {
    let n2 = 0
    for (let i = 0; i < rows; i++) n2 = f(n2 + f(A[j * rows + i] * A[j * rows + i]))
    s[j] = f(Math.sqrt(n2))
  }
  // Sorted by singular value, largest first; U's columns are A's normalised.
  const order = Array.from({ length: cols }, (_, j) => j).sort((x, y) => s[y] - s[x])
  const u = new Float32Array(rows * cols)
  const v = new Float32Array(cols * cols)
  const sorted = new Float32Array(cols)
  order.forEach((j, k) => {
    sorted[k] = s[j]
    const inv = s[j] > 0 ? f(1 / s[j]) : 0
    for (let i = 0; i < rows; i++) u[i * cols + k] = f(A[j * rows + i] * inv)
    for (let i = 0; i < cols; i++) v[i * cols + k] = V[j * cols + i]
  })
  return { u, s: sorted, v, rows, cols, rank: cols, sweeps }
}

/**
 * Pseudo-inverse in float32 (cols × rows): singular values ≤ max(rcond · σ_max, atol) are dropped, as numpy's
 * `pinv(a, rcond, atol)` does (the thesis's "pinv atol 1e-5" is atol here).
 */
export function pinv32(m: Matrix, rcond: number, atol = 0): Matrix {
  const wide = m.rows < m.columns
  const a = wide ? m.transpose() : m
  if (a.columns > MAX_FLOAT32_COLUMNS) throw new Error(`the float32 SVD takes at most ${MAX_FLOAT32_COLUMNS} columns (this matrix has ${a.columns}): use float64 here`)
  const svd = jacobiSvd32(Float32Array.from(a.to1DArray()), a.rows, a.columns)
  const { u, s, v, rows, cols } = svd
  const cut = Math.max(rcond * (s[0] ?? 0), atol)
  // pinv(a) = V Σ⁺ Uᵀ: cols × rows.
  const out = new Float32Array(cols * rows)
  for (let k = 0; k < cols; k++) {
    if (!(s[k] > cut)) continue
    const inv = f(1 / s[k])
    for (let i = 0; i < cols; i++) {
      const vik = f(v[i * cols + k] * inv)
      if (vik === 0) continue
      for (let j = 0; j < rows; j++) out[i * rows + j] = f(out[i * rows + j] + f(vik * u[j * cols + k]))
    }
  }
  const p = Matrix.from1DArray(cols, rows, out as unknown as number[])
  return wide ? p.transpose() : p
}

/** Singular values of a matrix in float32 (largest first), for tests and diagnostics. */
export function singularValues32(m: Matrix): Float32Array {
  const a = m.rows < m.columns ? m.transpose() : m
  return jacobiSvd32(Float32Array.from(a.to1DArray()), a.rows, a.columns).s
}
