/**
 * Fixed N-bit quantisation of one layer (thesis ch. 3): 2^N equal bins over [w_min, w_max];
 * index = clamp(⌊2^N (w − w_min)/(w_max − w_min)⌋, 0, 2^N − 1), decoded to the bin centre
 * w_min + (w_max − w_min)(i + 0.5)/2^N. Float64 maths, so N goes up to 30 (indices in a Uint32Array); a layer
 * whose weights are all equal has one bin and decodes exactly.
 */

export const MAX_BITS = 30

/** The layer's smallest and largest weight; null when it has no weights or a non-finite one (nothing to quantise). */
export function weightRange(weights: ArrayLike<number>): { min: number; max: number } | null {
  if (weights.length === 0) return null
  let min = Infinity
  let max = -Infinity
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i]
    // NaN fails both comparisons below, so test it explicitly.
    if (!Number.isFinite(w)) return null
    if (w < min) min = w
    if (w > max) max = w
  }
  return { min, max }
}

export function checkBits(bits: number, what = 'bits'): void {
  if (!Number.isInteger(bits) || bits < 1 || bits > MAX_BITS) throw new Error(`${what} must be an integer from 1 to ${MAX_BITS}, got ${bits}`)
}

/** The bin index of every weight (into `out` when given, which must be as long as `weights`). */
export function quantiseIndices(weights: ArrayLike<number>, bits: number, min: number, max: number, out?: Uint32Array): Uint32Array {
  checkBits(bits)
  const indices = out ?? new Uint32Array(weights.length)
  if (indices.length !== weights.length) throw new Error(`index buffer holds ${indices.length} values, the layer ${weights.length}`)
  const range = max - min
  if (!(range > 0)) {
    // One bin: all weights equal (or a degenerate range) — index 0, decoded to w_min.
    indices.fill(0)
    return indices
  }
  const levels = 2 ** bits
  const top = levels - 1
  // A multiplication by 2^N / range instead of the division (≈ 2× faster): the index can differ only for a weight
  // within an ulp of a bin edge, and the endpoints still map to 0 and 2^N − 1 through the clamp.
  const scale = levels / range
  for (let i = 0; i < weights.length; i++) {
    const q = Math.floor((weights[i] - min) * scale)
    indices[i] = q < 0 ? 0 : q > top ? top : q
  }
  return indices
}

/** The bin centres of the indices (into `out`: Float32Array for a model's weights, Float64Array to keep N > 23 exact). */
export function dequantise<T extends Float32Array | Float64Array = Float32Array>(indices: Uint32Array, bits: number, min: number, max: number, out?: T): T {
  checkBits(bits)
  const values = (out ?? new Float32Array(indices.length)) as T
  if (values.length !== indices.length) throw new Error(`value buffer holds ${values.length} values, the layer ${indices.length}`)
  const range = max - min
  if (!(range > 0)) {
    values.fill(min)
    return values
  }
  const step = range / 2 ** bits
  for (let i = 0; i < indices.length; i++) values[i] = min + step * (indices[i] + 0.5)
  return values
}

/** Quantise and decode in one pass (the fixed N-bit sweep of Fig. 3.1): the layer as the receiving worker sees it. */
export function quantiseLayer(weights: ArrayLike<number>, bits: number, out?: Float32Array): Float32Array {
  const r = weightRange(weights)
  if (!r) throw new Error('cannot quantise a layer with no weights or a non-finite weight')
  return dequantise(quantiseIndices(weights, bits, r.min, r.max), bits, r.min, r.max, out)
}
