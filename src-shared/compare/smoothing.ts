/**
 * Curve smoothing for comparing runs. Computed on the full-resolution series, before any downsampling
 * (TensorBoard #6829 smooths the downsampled points). Pure: shared by the renderer, CLI and tests.
 */

export type SmoothingKind = 'none' | 'ema' | 'gaussian'

export interface SmoothingSpec {
  kind: SmoothingKind
  /** EMA weight in [0, 1): 0 = no smoothing (TensorBoard's slider). */
  weight: number
  /**
   * Gaussian: the standard deviation — in x units (steps, epochs or seconds: the chart's x), or with
   * `sigmaUnit: 'range'` as a fraction of the x range the chart shows (0.02 = 2 % of it).
   */
  sigma: number
  /** What `sigma` is measured in; absent means x units (links and layouts saved before it existed). */
  sigmaUnit?: SigmaUnit
}

export type SigmaUnit = 'x' | 'range'

/** The default Gaussian σ: 2 % of the x range, whatever the axis (a fixed "1 step" is nothing on 10 000 steps logged every 50). */
export const DEFAULT_RELATIVE_SIGMA = 0.02

/** σ in x units: as given, or that fraction of `range` (the x extent the smoothed curves share). */
export function sigmaInX(spec: Pick<SmoothingSpec, 'sigma' | 'sigmaUnit'>, range: [number, number] | null): number {
  if (spec.sigmaUnit !== 'range') return spec.sigma
  const span = range ? range[1] - range[0] : 0
  return span > 0 && Number.isFinite(span) ? spec.sigma * span : 0
}

/** The spec with σ in x units for curves sharing the x range `range` (so every curve of a chart is smoothed alike). */
export function resolveSmoothing(spec: SmoothingSpec, range: [number, number] | null): SmoothingSpec {
  return spec.kind === 'gaussian' && spec.sigmaUnit === 'range' ? { ...spec, sigma: sigmaInX(spec, range), sigmaUnit: 'x' } : spec
}

function ownRange(x: ArrayLike<number>): [number, number] | null {
  let lo = Infinity
  let hi = -Infinity
  for (let i = 0; i < x.length; i++) {
    const v = x[i]
    if (!Number.isFinite(v)) continue
    if (v < lo) lo = v
    if (v > hi) hi = v
  }
  return lo <= hi ? [lo, hi] : null
}

/**
 * TensorBoard-compatible debiased exponential moving average: last = last·w + (1−w)·v, divided by
 * (1 − w^k) where k counts the finite points so far; NaN/∞ points pass through unchanged and do not
 * enter the average. A constant series stays constant; one or two points are never distorted beyond that.
 */
export function emaDebiased(values: ArrayLike<number>, weight: number): Float64Array {
  // w = 1 would freeze the average at its start (TensorBoard's slider stops at 0.999).
  if (!(weight >= 0 && weight < 1)) throw new RangeError(`EMA weight must be in [0, 1), got ${weight}`)
  const n = values.length
  const out = new Float64Array(n)
  for (let i = 0; i < n; i++) out[i] = values[i]
  // TensorBoard skips smoothing for a constant series (#786): the debiased average would equal it anyway,
  // up to rounding, and must not wobble.
  if (n === 0 || isConstant(out)) return out
  let last = 0
  // w^k kept as a running product: one multiply per point instead of a pow.
  let weightPower = 1
  for (let i = 0; i < n; i++) {
    const v = out[i]
    if (!Number.isFinite(v)) continue
    last = last * weight + (1 - weight) * v
    weightPower *= weight
    out[i] = last / (1 - weightPower)
  }
  return out
}

/** Every value equal to the first (a NaN anywhere makes it non-constant, as in TensorBoard). */
function isConstant(v: Float64Array): boolean {
  const first = v[0]
  for (let i = 1; i < v.length; i++) if (v[i] !== first) return false
  return v[0] === v[0]
}

/**
 * Gaussian kernel smoothing over uneven x: each output is Σ wᵢ·yᵢ / Σ wᵢ with wᵢ = exp(−(xᵢ−x)²/2σ²),
 * truncated at 3σ (a sliding window, O(n·window)). Non-finite y are skipped. σ ≤ 0 returns a copy.
 * x is normally ascending (curves are); otherwise points are smoothed in x order and returned in theirs.
 * An output whose own y is non-finite stays as it was, so gaps stay gaps.
 */
export function gaussianSmooth(x: ArrayLike<number>, y: ArrayLike<number>, sigma: number): Float64Array {
  if (x.length !== y.length) throw new RangeError(`x and y differ in length (${x.length} vs ${y.length})`)
  const ys = new Float64Array(y as ArrayLike<number>)
  if (!(sigma > 0) || ys.length < 2) return ys
  const xs = new Float64Array(x as ArrayLike<number>)
  if (isAscending(xs)) return gaussianSorted(xs, ys, sigma)
  return gaussianReordered(xs, ys, sigma)
}

function gaussianSorted(x: Float64Array, y: Float64Array, sigma: number): Float64Array {
  const uniformStep = uniformSpacing(x)
  return uniformStep > 0 ? gaussianUniform(y, sigma / uniformStep) : gaussianUneven(x, y, sigma)
}

/** Unsorted x (or non-finite x, which cannot be placed and keep their y): smooth in x order, then put back. */
function gaussianReordered(x: Float64Array, y: Float64Array, sigma: number): Float64Array {
  const placeable: number[] = []
  for (let i = 0; i < x.length; i++) if (Number.isFinite(x[i])) placeable.push(i)
  placeable.sort((a, b) => x[a] - x[b] || a - b)
  const xs = Float64Array.from(placeable, (i) => x[i])
  const ys = Float64Array.from(placeable, (i) => y[i])
  const smoothed = xs.length < 2 ? ys : gaussianSorted(xs, ys, sigma)
  const out = new Float64Array(y)
  placeable.forEach((from, to) => (out[from] = smoothed[to]))
  return out
}

function isAscending(x: Float64Array): boolean {
  for (let i = 1; i < x.length; i++) if (!(x[i] >= x[i - 1])) return false
  return true
}

/** The common step when x is evenly spaced (to 1e-9 relative), else 0. */
function uniformSpacing(x: Float64Array): number {
  const n = x.length
  const step = (x[n - 1] - x[0]) / (n - 1)
  if (!(step > 0) || !Number.isFinite(step)) return 0
  const tolerance = step * 1e-9
  for (let i = 1; i < n; i++) if (Math.abs(x[i] - x[i - 1] - step) > tolerance) return 0
  return step
}

/** Even spacing: the weights depend only on the index offset, so they are computed once. */
function gaussianUniform(y: Float64Array, sigmaInSteps: number): Float64Array {
  const n = y.length
  const half = Math.min(n - 1, Math.floor(3 * sigmaInSteps))
  const kernel = new Float64Array(half + 1)
  for (let k = 0; k <= half; k++) kernel[k] = Math.exp(-(k * k) / (2 * sigmaInSteps * sigmaInSteps))
  // Non-finite points take part with weight 0 (no branch in the inner loop).
  const values = new Float64Array(n)
  const present = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    if (Number.isFinite(y[i])) {
      values[i] = y[i]
      present[i] = 1
    }
  }
  const out = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    if (present[i] === 0) {
      out[i] = y[i]
      continue
    }
    let sum = values[i]
    let weights = 1
    const from = Math.max(0, i - half)
    const to = Math.min(n - 1, i + half)
    for (let j = from; j < i; j++) {
      const w = kernel[i - j]
      sum += w * values[j]
      weights += w * present[j]
    }
    for (let j = i + 1; j <= to; j++) {
      const w = kernel[j - i]
      sum += w * values[j]
      weights += w * present[j]
    }
    out[i] = sum / weights
  }
  return out
}

/**
 * Uneven spacing: each pair within 3σ is weighed once and counted for both points (the kernel is
 * symmetric), so half the exp calls. Non-finite points are dropped first and keep their value.
 */
function gaussianUneven(x: Float64Array, y: Float64Array, sigma: number): Float64Array {
  const finite = new Uint32Array(y.length)
  const xs = new Float64Array(y.length)
  const ys = new Float64Array(y.length)
  let n = 0
  for (let i = 0; i < y.length; i++) {
    if (!Number.isFinite(y[i])) continue
    finite[n] = i
    xs[n] = x[i]
    ys[n++] = y[i]
  }
  const reach = 3 * sigma
  const scale = -1 / (2 * sigma * sigma)
  const sums = ys.slice(0, n)
  const weights = new Float64Array(n).fill(1)
  for (let i = 0; i < n; i++) {
    const xi = xs[i]
    const yi = ys[i]
    let sum = 0
    let weight = 0
    for (let j = i + 1; j < n; j++) {
      const d = xs[j] - xi
      if (d > reach) break
      const w = Math.exp(d * d * scale)
      sum += w * ys[j]
      weight += w
      sums[j] += w * yi
      weights[j] += w
    }
    sums[i] += sum
    weights[i] += weight
  }
  const out = new Float64Array(y)
  for (let k = 0; k < n; k++) out[finite[k]] = sums[k] / weights[k]
  return out
}

/** Apply a spec; 'none' returns the values (as a Float64Array copy). A relative σ not resolved by the caller is relative to this curve's own x range. */
export function smooth(x: ArrayLike<number>, y: ArrayLike<number>, spec: SmoothingSpec): Float64Array {
  switch (spec.kind) {
    case 'none':
      return new Float64Array(y as ArrayLike<number>)
    case 'ema':
      return emaDebiased(y, spec.weight)
    case 'gaussian':
      return gaussianSmooth(x, y, sigmaInX(spec, spec.sigmaUnit === 'range' ? ownRange(x) : null))
  }
}
