/**
 * Log-space arithmetic for neurashed scores. Scores are products of amplification factors along a pathway, so
 * they grow exponentially with depth and iterations; everything is kept as natural logs (−∞ = 0) and only
 * differences are exponentiated.
 */

/** log(e^a + e^b). */
export function logAddExp(a: number, b: number): number {
  if (a === -Infinity) return b
  if (b === -Infinity) return a
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b))
}

/** Streaming logsumexp: push values, read `value`. */
export class LogSum {
  private m = -Infinity
  private s = 0
  push(x: number): void {
    if (x === -Infinity) return
    if (x <= this.m) this.s += Math.exp(x - this.m)
    else {
      this.s = this.s * Math.exp(this.m - x) + 1
      this.m = x
    }
  }
  get value(): number {
    return this.m === -Infinity ? -Infinity : this.m + Math.log(this.s)
  }
}

/**
 * log softmax of logits Z_j ≥ 0 given as log Z_j. The max is subtracted in linear space without forming Z:
 * Z_j − Z_max = −Z_max (1 − e^{log Z_j − log Z_max}), which underflows to −∞ (p = 0) instead of overflowing.
 */
export function logSoftmaxOfLogLogits(logZ: Float64Array, out: Float64Array = new Float64Array(logZ.length)): Float64Array {
  let lm = -Infinity
  for (const v of logZ) if (v > lm) lm = v
  const sum = new LogSum()
  for (let j = 0; j < logZ.length; j++) {
    const lz = logZ[j]
    let d: number
    if (lz === lm) d = 0
    else if (lz === -Infinity) d = -Math.exp(lm)
    else d = -Math.exp(lm + Math.log1p(-Math.exp(lz - lm)))
    out[j] = d
    sum.push(d)
  }
  const norm = sum.value
  for (let j = 0; j < out.length; j++) out[j] -= norm
  return out
}

/** Z_after − Z_before from their logs, without overflow while the smaller one is representable. */
export function linearDifference(logAfter: number, logBefore: number): number {
  if (logAfter === logBefore) return 0
  if (logBefore === -Infinity) return Math.exp(logAfter)
  if (logAfter === -Infinity) return -Math.exp(logBefore)
  return Math.exp(logBefore) * Math.expm1(logAfter - logBefore)
}
