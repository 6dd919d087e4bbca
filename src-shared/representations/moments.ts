/**
 * Second moments of a representation Z (m × d) against targets Y (m × c: one-hot labels, or any values), accumulated in float64 chunk by
 * chunk: the LSD and the layer PCA need nothing else, so the m × d matrix itself never has to exist at once
 * (the engine sums per-chunk Gram matrices computed on the backend; `momentsOf` does it in plain JS).
 */
export interface Moments {
  m: number
  d: number
  c: number
  /** Row-major d × d: Σ zᵀz. */
  gram: Float64Array
  /** Row-major d × c: Σ zᵀy. */
  zy: Float64Array
  /** Σ z (d). */
  zSum: Float64Array
  /** Σ y (c): the class counts for one-hot Y. */
  ySum: Float64Array
  /** Σ ‖y‖² (m for one-hot Y). */
  yy: number
}

export function emptyMoments(d: number, c: number): Moments {
  return { m: 0, d, c, gram: new Float64Array(d * d), zy: new Float64Array(d * c), zSum: new Float64Array(d), ySum: new Float64Array(c), yy: 0 }
}

/** Add one chunk's sums (as read back from the backend) to `into`; `yy` = Σ‖y‖², by default that of one-hot rows. */
export function addMoments(into: Moments, rows: number, gram: ArrayLike<number>, zy: ArrayLike<number>, zSum: ArrayLike<number>, ySum: ArrayLike<number>, yy = rows): void {
  into.m += rows
  into.yy += yy
  for (let i = 0; i < gram.length; i++) into.gram[i] += gram[i]
  for (let i = 0; i < zy.length; i++) into.zy[i] += zy[i]
  for (let i = 0; i < zSum.length; i++) into.zSum[i] += zSum[i]
  for (let i = 0; i < ySum.length; i++) into.ySum[i] += ySum[i]
}

/** The moments of a row-major m × d matrix and its labels, in float64 (tests, small sets). */
export function momentsOf(z: ArrayLike<number>, m: number, d: number, labels: ArrayLike<number>, c: number): Moments {
  const out = emptyMoments(d, c)
  out.m = m
  for (let r = 0; r < m; r++) {
    const o = r * d
    const y = labels[r]
    out.ySum[y] += 1
    out.yy += 1
    for (let i = 0; i < d; i++) {
      const zi = z[o + i]
      out.zSum[i] += zi
      out.zy[i * c + y] += zi
      for (let j = 0; j < d; j++) out.gram[i * d + j] += zi * z[o + j]
    }
  }
  return out
}

/** The centred d × d covariance (divided by m) of the moments. */
export function covariance(mo: Moments): Float64Array {
  const { d, m } = mo
  const cov = new Float64Array(d * d)
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) cov[i * d + j] = (mo.gram[i * d + j] - (mo.zSum[i] * mo.zSum[j]) / m) / m
  return cov
}
