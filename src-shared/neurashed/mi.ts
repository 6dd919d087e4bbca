/**
 * Noisy mutual information between a level's representation T and the input type X or the label Y
 * (seed 001 Fig. 5 and appendix; Shwartz-Ziv & Tishby 2017 add noise to make MI of a deterministic map finite).
 * T = rep(x) + N(0, σ² I) with the input types weighted by their sampling weights.
 *  - representation 'normalised' (default): λ_F · 1[F fires] divided by the level's largest λ;
 *    'raw': the score S_F of eq. 2.1 (grows without bound, so it keeps more information).
 *  - estimator 'kde' (default): the pairwise-distance upper bound of a Gaussian mixture (Kolchinsky & Tracey 2017,
 *    as in Saxe et al. 2018) — deterministic; → H(X) when the types are far apart, → 0 when they coincide.
 *    'binning': draw noisy samples, bin every coordinate, plug-in entropies (Shwartz-Ziv & Tishby).
 * Results in bits.
 */
import type { Rng } from '../rng'
import type { NeurashedModel } from './model'

export type MiRepresentation = 'normalised' | 'raw'
export type MiEstimator = 'kde' | 'binning'

export interface MiSettings {
  sigma: number
  representation: MiRepresentation
  estimator: MiEstimator
  /** Binning: bins per coordinate, noisy draws per input type. */
  bins: number
  draws: number
}

export const DEFAULT_MI: MiSettings = { sigma: 0.05, representation: 'normalised', estimator: 'kde', bins: 30, draws: 200 }

/** The representation of every sample type at one level: rows = sample types, columns = the level's nodes. */
export function levelRepresentation(model: NeurashedModel, level: number, representation: MiRepresentation): Float64Array[] {
  const c = model.c
  const nodes = Array.from(c.order).filter((i) => c.level[i] === level)
  const column = new Map(nodes.map((node, k) => [node, k]))
  let lm = -Infinity
  for (const i of nodes) if (model.hasLambda[i] && model.logLambda[i] > lm) lm = model.logLambda[i]
  return c.samples.map((s, si) => {
    const row = new Float64Array(nodes.length)
    const logS = representation === 'raw' ? scores(model, si) : null
    for (const i of s.pathway) {
      const k = column.get(i)
      if (k === undefined) continue
      if (logS) row[k] = Math.min(Number.MAX_VALUE, Math.exp(logS.get(i) ?? -Infinity))
      else row[k] = lm === -Infinity ? 0 : Math.exp(model.logLambda[i] - lm)
    }
    return row
  })
}

/** log S_F of every node on a sample's pathway (eq. 2.1), recomputed here so mi.ts needs no model internals. */
function scores(model: NeurashedModel, sample: number): Map<number, number> {
  const c = model.c
  const out = new Map<number, number>()
  const slides = model.settings.variant === 'slides'
  for (const i of c.samples[sample].pathway) {
    if (c.level[i] === 1) {
      out.set(i, slides ? 0 : model.logLambda[i])
      continue
    }
    let m = -Infinity
    const vals: number[] = []
    for (let q = c.depStart[i]; q < c.depStart[i + 1]; q++) {
      const v = out.get(c.dep[q])
      if (v !== undefined && v > -Infinity) {
        vals.push(v)
        if (v > m) m = v
      }
    }
    const lse = m === -Infinity ? -Infinity : m + Math.log(vals.reduce((a, v) => a + Math.exp(v - m), 0))
    out.set(i, model.logLambda[i] + lse)
  }
  return out
}

export interface MiResult {
  /** I(T;X) and I(T;Y) in bits. */
  ix: number
  iy: number
}

/** −Σ_i p_i log₂ Σ_j p_j K_ij over a subset (the KDE entropy minus the noise entropy, which cancels). */
function kdeTerm(rows: Float64Array[], p: number[], idx: number[], sigma: number): number {
  const mass = idx.reduce((a, i) => a + p[i], 0)
  let h = 0
  for (const i of idx) {
    let s = 0
    for (const j of idx) {
      let d2 = 0
      for (let k = 0; k < rows[i].length; k++) {
        const d = rows[i][k] - rows[j][k]
        d2 += d * d
      }
      s += (p[j] / mass) * Math.exp(-d2 / (2 * sigma * sigma))
    }
    h -= (p[i] / mass) * Math.log2(s)
  }
  return h
}

function entropyOfCounts(counts: Map<string, number>): number {
  let total = 0
  for (const v of counts.values()) total += v
  let h = 0
  for (const v of counts.values()) if (v > 0) h -= (v / total) * Math.log2(v / total)
  return h
}

/** I(T;X), I(T;Y) for representations `rows` of the input types with weights and labels. */
export function mutualInformation(rows: Float64Array[], weights: number[], labels: number[], s: MiSettings, rng: Rng): MiResult {
  const total = weights.reduce((a, b) => a + b, 0)
  const p = weights.map((w) => w / total)
  const all = rows.map((_, i) => i).filter((i) => p[i] > 0)
  const classes = [...new Set(all.map((i) => labels[i]))]
  const byClass = classes.map((y) => all.filter((i) => labels[i] === y))
  const pClass = byClass.map((idx) => idx.reduce((a, i) => a + p[i], 0))
  if (s.estimator === 'kde') {
    const hT = kdeTerm(rows, p, all, s.sigma)
    const hTgivenY = byClass.reduce((a, idx, k) => a + pClass[k] * kdeTerm(rows, p, idx, s.sigma), 0)
    return { ix: hT, iy: hT - hTgivenY }
  }
  // Binning: noisy draws per type, every coordinate cut into `bins` equal bins over the range of the draws.
  const draws = rows.map((r) => Array.from({ length: s.draws }, () => Float64Array.from(r, (v) => v + s.sigma * rng.normal())))
  let lo = Infinity
  let hi = -Infinity
  for (const ds of draws) for (const d of ds) for (const v of d) (lo = Math.min(lo, v)), (hi = Math.max(hi, v))
  const width = (hi - lo) / s.bins || 1
  const key = (d: Float64Array) => Array.from(d, (v) => Math.min(s.bins - 1, Math.floor((v - lo) / width))).join(',')
  const keys = draws.map((ds) => ds.map(key))
  const mix = (idx: number[]) => {
    const m = new Map<string, number>()
    const mass = idx.reduce((a, i) => a + p[i], 0)
    for (const i of idx) for (const k of keys[i]) m.set(k, (m.get(k) ?? 0) + p[i] / mass / s.draws)
    return entropyOfCounts(m)
  }
  const hT = mix(all)
  const hTgivenX = all.reduce((a, i) => a + p[i] * mix([i]), 0)
  const hTgivenY = byClass.reduce((a, idx, k) => a + pClass[k] * mix(idx), 0)
  return { ix: hT - hTgivenX, iy: hT - hTgivenY }
}

/** MI at every level that has amplification factors (all but the class level in the paper variant). */
export function levelMi(model: NeurashedModel, s: MiSettings, rng: Rng): { level: number; ix: number; iy: number }[] {
  const c = model.c
  const top = model.settings.variant === 'slides' ? c.levels : c.levels - 1
  const weights = c.samples.map((x) => x.weight)
  const labels = c.samples.map((x) => x.label)
  const out: { level: number; ix: number; iy: number }[] = []
  for (let l = 1; l <= top; l++) {
    const r = mutualInformation(levelRepresentation(model, l, s.representation), weights, labels, s, rng)
    out.push({ level: l, ...r })
  }
  return out
}
