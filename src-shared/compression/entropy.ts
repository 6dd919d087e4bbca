/**
 * Histograms and Shannon entropy of quantised weights, and the bit allocation N = ⌈H + c⌉ (thesis ch. 3).
 * The entropy of a layer is estimated on a seeded random fraction F of its weights quantised to M bits
 * (F = 3 % suffices, §3.6), over the whole layer's [w_min, w_max].
 */
import { createRng } from '../rng'
import { checkBits, quantiseIndices, weightRange } from './quantise'

/**
 * The used bins of some indices: ascending bin ids and their counts. Dense counting up to 2^16 bins, a sort of a
 * copy above (N up to 30 cannot have a dense table).
 */
export interface Histogram {
  symbols: Uint32Array
  counts: Uint32Array
}

const DENSE_BITS = 16

export function histogramOf(indices: Uint32Array, bits: number): Histogram {
  checkBits(bits)
  if (bits <= DENSE_BITS) {
    const dense = new Uint32Array(2 ** bits)
    for (let i = 0; i < indices.length; i++) dense[indices[i]]++
    let used = 0
    for (let s = 0; s < dense.length; s++) if (dense[s]) used++
    const symbols = new Uint32Array(used)
    const counts = new Uint32Array(used)
    for (let s = 0, k = 0; s < dense.length; s++) {
      if (dense[s]) {
        symbols[k] = s
        counts[k++] = dense[s]
      }
    }
    return { symbols, counts }
  }
  const sorted = indices.slice().sort()
  let used = 0
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) used++
  const symbols = new Uint32Array(used)
  const counts = new Uint32Array(used)
  for (let i = 0, k = -1; i < sorted.length; i++) {
    if (i === 0 || sorted[i] !== sorted[i - 1]) symbols[++k] = sorted[i]
    counts[k]++
  }
  return { symbols, counts }
}

/** H = −Σ p log₂ p of a histogram's counts, in bits (0 for one used bin or none). */
export function entropyBits(counts: ArrayLike<number>): number {
  let total = 0
  for (let i = 0; i < counts.length; i++) total += counts[i]
  if (total === 0) return 0
  let h = 0
  for (let i = 0; i < counts.length; i++) {
    if (counts[i] > 0) {
      const p = counts[i] / total
      h -= p * Math.log2(p)
    }
  }
  // Rounding can leave −0 or −1e-17 for one bin.
  return h > 0 ? h : 0
}

/** How many of n weights a fraction F samples: at least one, at most all. */
export function sampleSize(n: number, fraction: number): number {
  if (!(fraction > 0 && fraction <= 1)) throw new Error(`the sampled fraction must be in (0, 1], got ${fraction}`)
  return Math.min(n, Math.max(1, Math.round(fraction * n)))
}

/**
 * Entropy of the layer's weights quantised to M bits over its whole range, on a seeded sample of a fraction F of
 * them drawn without replacement (F = 1: exactly the layer's entropy). NaN for a layer with no weights or a
 * non-finite one.
 */
export function sampledEntropy(weights: ArrayLike<number>, opts: { M: number; F: number; seed: number; range?: { min: number; max: number } }): number {
  checkBits(opts.M, 'M')
  const range = opts.range ?? weightRange(weights)
  if (!range) return NaN
  const n = weights.length
  const m = sampleSize(n, opts.F)
  let sample: ArrayLike<number> = weights
  if (m < n) {
    // Partial Fisher–Yates over positions: the first m of a seeded shuffle.
    const rng = createRng(opts.seed)
    const order = new Uint32Array(n)
    for (let i = 0; i < n; i++) order[i] = i
    const picked = new Float64Array(m)
    for (let i = 0; i < m; i++) {
      const j = i + rng.int(n - i)
      const t = order[i]
      order[i] = order[j]
      order[j] = t
      picked[i] = weights[order[i]]
    }
    sample = picked
  }
  return entropyBits(histogramOf(quantiseIndices(sample, opts.M, range.min, range.max), opts.M).counts)
}

/**
 * Bits for a layer: N = ⌈H + c⌉, clamped to c ≤ N ≤ c + M (H ≤ M in theory; the clamp guards rounding). A
 * hair is taken off before rounding up so that H = 4 computed as 4.000000000000001 still gives c + 4.
 */
export function allocateBits(entropy: number, c: number, M: number): number {
  if (!Number.isInteger(c) || c < 1) throw new Error(`the floor c must be a whole number of bits ≥ 1, got ${c}`)
  checkBits(M, 'M')
  checkBits(c + M, 'c + M')
  if (!Number.isFinite(entropy)) throw new Error(`cannot allocate bits from entropy ${entropy}`)
  const n = Math.ceil(entropy + c - 1e-9)
  return Math.min(c + M, Math.max(c, n))
}
