/**
 * Feature-wise conditional entropy (thesis §5.3): for unit j the selection S_j = {n : a_nj > 0} of samples
 * whose pre-activation is positive, p_c the class frequencies within S_j, H_j = −Σ p_c log₂ p_c; a layer's value
 * is the mean over units with a non-empty selection (their count is reported). A selection-based proxy, not the
 * textbook H(Y|Z).
 */

/** Entropy in bits of non-negative counts (0 when all are 0: the caller excludes empty selections). */
export function entropyBits(counts: ArrayLike<number>): number {
  let total = 0
  for (let i = 0; i < counts.length; i++) total += counts[i]
  if (!(total > 0)) return 0
  let h = 0
  for (let i = 0; i < counts.length; i++) {
    const p = counts[i] / total
    if (p > 0) h -= p * Math.log2(p)
  }
  return h
}

export interface FeatureEntropy {
  /** H_j per unit in bits; null for an empty selection. */
  perUnit: (number | null)[]
  /** Mean over the units with a non-empty selection (NaN when there is none). */
  mean: number
  /** Units no sample selects. */
  empty: number
}

/** From the per-class counts of selected samples, row-major classes × units (counts[c * units + j]). */
export function featureEntropies(counts: ArrayLike<number>, classes: number, units: number): FeatureEntropy {
  const perUnit: (number | null)[] = []
  let sum = 0
  let empty = 0
  const col = new Float64Array(classes)
  for (let j = 0; j < units; j++) {
    let total = 0
    for (let c = 0; c < classes; c++) total += col[c] = counts[c * units + j]
    if (!(total > 0)) {
      perUnit.push(null)
      empty++
      continue
    }
    const h = entropyBits(col)
    perUnit.push(h)
    sum += h
  }
  return { perUnit, mean: units > empty ? sum / (units - empty) : NaN, empty }
}

/** The same from pre-activations (row-major n × units) and labels, in plain JS (tests, small sets). */
export function featureEntropiesOf(a: ArrayLike<number>, n: number, units: number, labels: ArrayLike<number>, classes: number): FeatureEntropy {
  const counts = new Float64Array(classes * units)
  for (let r = 0; r < n; r++) for (let j = 0; j < units; j++) if (a[r * units + j] > 0) counts[labels[r] * units + j]++
  return featureEntropies(counts, classes, units)
}

/** Entropy of the labels in a sliding window over samples sorted by a projection (the correlation-filter strip). */
export function slidingEntropy(sortedLabels: ArrayLike<number>, classes: number, window: number): number[] {
  const n = sortedLabels.length
  const w = Math.max(1, Math.min(window, n))
  const counts = new Float64Array(classes)
  const out: number[] = []
  for (let i = 0; i < n; i++) {
    counts[sortedLabels[i]]++
    if (i >= w) counts[sortedLabels[i - w]]--
    if (i >= w - 1) out.push(entropyBits(counts))
  }
  return out
}
