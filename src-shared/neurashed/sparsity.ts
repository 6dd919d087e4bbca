/**
 * Sparsity of the learned amplification factors (seed 001 §3.1, implicit regularisation): the entropy and
 * the Gini coefficient of the normalised λ, and how many nodes are within a factor of the largest one.
 */
import type { NeurashedModel } from './model'

export interface Sparsity {
  /** Entropy of λ/Σλ in bits (low = sparse; log₂ of the node count = all equal). */
  entropy: number
  /** Gini coefficient of λ (0 = all equal, → 1 = one node holds everything). */
  gini: number
  /** Nodes with λ ≥ threshold · max λ. */
  active: number
}

/** Over every node that has a λ (in the paper variant: all but the class nodes). */
export function sparsity(model: NeurashedModel, threshold = 0.1): Sparsity {
  const logs: number[] = []
  for (let i = 0; i < model.c.n; i++) if (model.hasLambda[i]) logs.push(model.logLambda[i])
  let lm = -Infinity
  for (const v of logs) if (v > lm) lm = v
  if (lm === -Infinity) return { entropy: 0, gini: 0, active: 0 }
  // Relative to the largest: representable however large λ has grown.
  const x = logs.map((v) => Math.exp(v - lm)).sort((a, b) => a - b)
  const total = x.reduce((a, b) => a + b, 0)
  let entropy = 0
  let weighted = 0
  x.forEach((v, i) => {
    const p = v / total
    if (p > 0) entropy -= p * Math.log2(p)
    weighted += (2 * (i + 1) - x.length - 1) * v
  })
  return { entropy, gini: weighted / (x.length * total), active: x.filter((v) => v >= threshold).length }
}
