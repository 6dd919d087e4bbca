/**
 * Neurashed implies local elasticity (seed 001 appendix, Theorems 1–2; slides "5/2"): the random graphs of the
 * theorems and the Δlogit measure — one Algorithm 1 update on a base sample, then the change of every sample
 * type's true-class logit.
 */
import { createRng } from '../rng'
import type { NeurashedGraph, NeurashedNode } from '../studies/neurashedGraph'
import { linearDifference } from './logspace'
import type { NeurashedModel } from './model'

export interface TheoremGraphSettings {
  /** Nodes per level (levels 1 … L−1). */
  m: number
  /** Nodes per level shared by every class. */
  b1: number
  /** Nodes per level of each class alone. */
  b2: number
  /** L, including the class level. */
  levels: number
  classes: number
}

/**
 * Theorem 1's graph. Per level below the classes, b1 shared and b2 per-class nodes are chosen at random among
 * m, disjointly — the m → ∞ regime of the theorem, where random choices do not overlap; the other nodes never
 * fire. Each class joins its b1 + b2 nodes to its b1 + b2 nodes one level down. A class's own nodes (and its
 * class node) fire when at least b1 + 1 dependents fire, i.e. when its own pathway reaches them; shared nodes
 * fire on any dependent. One sample type per class, firing its b1 + b2 level-1 nodes.
 */
export function theoremGraph(s: TheoremGraphSettings, seed: number): NeurashedGraph {
  const { m, b1, b2, levels: L, classes: K } = s
  if (b2 < 1) throw new Error('b2 must be at least 1: with no class-specific nodes the classes share one pathway')
  if (b1 + K * b2 > m) throw new Error(`m = ${m} nodes per level cannot hold b1 + classes · b2 = ${b1 + K * b2} distinct chosen nodes`)
  if (L < 2) throw new Error('the graph needs at least 2 levels (inputs and classes)')
  const rng = createRng(seed)
  const nodes: NeurashedNode[] = []
  const edges: { from: string; to: string }[] = []
  const id = (l: number, i: number) => `l${l}n${i + 1}`
  /** chosen[l][0] = shared, chosen[l][1 + k] = class k's own (node ids). */
  const chosen: string[][][] = []
  for (let l = 1; l < L; l++) {
    const perm = rng.shuffle(Int32Array.from({ length: m }, (_, i) => i))
    const groups = [Array.from(perm.subarray(0, b1), (i) => id(l, i))]
    for (let k = 0; k < K; k++) groups.push(Array.from(perm.subarray(b1 + k * b2, b1 + (k + 1) * b2), (i) => id(l, i)))
    chosen.push(groups)
    const shared = new Set(groups[0])
    const own = new Set(groups.slice(1).flat())
    for (let i = 0; i < m; i++) {
      const node: NeurashedNode = { id: id(l, i), level: l }
      if (l > 1 && own.has(node.id)) node.rule = { kind: 'atLeast', k: b1 + 1 }
      if (l > 1 && shared.has(node.id)) node.rule = { kind: 'or' }
      nodes.push(node)
    }
  }
  for (let k = 0; k < K; k++) nodes.push({ id: `class${k + 1}`, level: L, label: `class ${k + 1}`, rule: { kind: 'atLeast', k: b1 + 1 } })
  const seen = new Set<string>()
  const edge = (from: string, to: string) => {
    const key = `${from}>${to}`
    if (!seen.has(key)) edges.push({ from, to }), seen.add(key)
  }
  for (let k = 0; k < K; k++) {
    for (let l = 2; l <= L; l++) {
      const below = [...chosen[l - 2][0], ...chosen[l - 2][1 + k]]
      const above = l === L ? [`class${k + 1}`] : [...chosen[l - 1][0], ...chosen[l - 1][1 + k]]
      for (const a of above) for (const b of below) edge(a, b)
    }
  }
  const samples = Array.from({ length: K }, (_, k) => ({ id: `class${k + 1}`, name: `class ${k + 1}`, fires: [...chosen[0][0], ...chosen[0][1 + k]] }))
  return { levels: L, nodes, edges, samples }
}

/** First-order limit of Theorem 1: ΔZ_j / ΔZ_j′ → (b1 + b2) / b1. */
export const theorem1Limit = (b1: number, b2: number) => (b1 + b2) / b1

/**
 * The exact ratio for theoremGraph with additive g⁺(x) = x + c, g⁻ = identity, λ₀ = 0, η held fixed and t
 * updates per class (batch 1): every level's pathway sum is Λ = c t (b2 + K b1), an update on class j adds
 * c(b1 + b2) to its own and c·b1 to another class's, so ΔZ_j / ΔZ_j′ = ((1 + α)^{L−1} − 1) / ((1 + β)^{L−1} − 1)
 * with α = (b1 + b2) / (t (b2 + K b1)), β = b1 / (t (b2 + K b1)). → (b1 + b2)/b1 as t → ∞; → ∞ with depth (Theorem 2).
 */
export function theoremRatio(s: Omit<TheoremGraphSettings, 'm'>, t: number): number {
  const denom = t * (s.b2 + s.classes * s.b1)
  const a = (s.b1 + s.b2) / denom
  const b = s.b1 / denom
  const p = s.levels - 1
  return Math.expm1(p * Math.log1p(a)) / Math.expm1(p * Math.log1p(b))
}

export interface DeltaLogits {
  /** Change of each sample type's true-class logit. */
  delta: Float64Array
  /** Change of every logit, per sample type (rows) and class (columns). */
  all: Float64Array[]
}

/** One update on the base sample (batch = [base]) with the model's rules, measured, then undone. */
export function deltaLogits(model: NeurashedModel, base: number): DeltaLogits {
  const samples = model.c.samples
  const before = samples.map((_, i) => model.predict(i).logZ.slice())
  const saved = model.snapshot()
  model.step([base])
  const all = samples.map((_, i) => {
    const after = model.predict(i).logZ
    return Float64Array.from(after, (v, k) => linearDifference(v, before[i][k]))
  })
  model.restore(saved)
  return { delta: Float64Array.from(samples, (s, i) => all[i][s.label]), all }
}
