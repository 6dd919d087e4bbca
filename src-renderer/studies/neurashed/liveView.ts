/**
 * Pure helpers of the neurashed live view: node radii from λ (linear or log scale), reading the logged state
 * and Δlogit payloads defensively, and grouping the run's scalars into chart series.
 */
import type { ScalarSeries } from '../../../src-shared/records'
import type { LineSeries } from '../../components/LineChart.vue'

/** Radius range of the drawn nodes (px). */
export const MIN_RADIUS = 3
export const MAX_RADIUS = 22
/** Nodes without a λ (class nodes in the paper variant) are drawn at this fixed size. */
export const NO_LAMBDA_RADIUS = 9
/** On the log scale, λ more than this many decades below the largest all get the smallest radius. */
export const LOG_DECADES = 8

/**
 * Radius of every node for its λ (null: the node has no λ). Linear: radius ∝ λ (the largest λ gets MAX_RADIUS,
 * never below MIN_RADIUS so a node stays visible). Log: radius grows with log₁₀ λ between the smallest positive
 * λ (at most LOG_DECADES below the largest) and the largest. `log10` gives log₁₀ λ directly where λ itself
 * overflows a float (it grows exponentially with depth and iterations); λ ≤ 0 gets MIN_RADIUS.
 */
export function nodeRadii(lambda: ArrayLike<number | null>, log: boolean, log10?: ArrayLike<number | null>): number[] {
  const has = Array.from(lambda, (v) => v !== null && v !== undefined)
  const span = MAX_RADIUS - MIN_RADIUS
  if (!log) {
    const vals = Array.from(lambda, (v) => (v !== null && Number.isFinite(v) && v > 0 ? v : 0))
    const max = Math.max(0, ...vals)
    return vals.map((v, i) => (!has[i] ? NO_LAMBDA_RADIUS : max === 0 ? MIN_RADIUS : Math.max(MIN_RADIUS, (v / max) * MAX_RADIUS)))
  }
  const logs = Array.from(lambda, (v, i) => {
    const l = log10?.[i]
    if (l !== undefined && l !== null && Number.isFinite(l)) return l
    return v !== null && Number.isFinite(v) && v > 0 ? Math.log10(v) : null
  })
  const known = logs.filter((l): l is number => l !== null)
  if (!known.length) return has.map((h) => (h ? MIN_RADIUS : NO_LAMBDA_RADIUS))
  const hi = Math.max(...known)
  const lo = Math.max(Math.min(...known), hi - LOG_DECADES)
  return logs.map((l, i) => (!has[i] ? NO_LAMBDA_RADIUS : l === null ? MIN_RADIUS : hi === lo ? MAX_RADIUS : MIN_RADIUS + (span * Math.max(0, l - lo)) / (hi - lo)))
}

/** The 'neurashed/state' payload (NeurashedStatePayload of src-shared/studies/neurashed.ts), read defensively. */
export interface StatePayload {
  step?: number
  lambda: (number | null)[]
  log10Lambda?: (number | null)[]
  eta?: number[]
  pTrue?: number[]
}

export function readState(payload: unknown): StatePayload | null {
  const p = payload as Partial<StatePayload> | null
  return p && Array.isArray(p.lambda) ? (p as StatePayload) : null
}

/** Δlogit bars after one update (the elasticity templates): one bar per sample type's true-class logit. */
export interface DeltaLogits {
  labels: string[]
  delta: number[]
  /** The sample type the update was made on. */
  on?: string
  ratio?: number
}

/** Reads 'neurashed/deltaLogits' ({ samples, delta, base, ratio }); sample ids are shown by their names. */
export function readDeltaLogits(payload: unknown, names: Record<string, string> = {}): DeltaLogits | null {
  const p = payload as { samples?: unknown; delta?: unknown; base?: unknown; ratio?: unknown } | null
  if (!p || typeof p !== 'object' || !Array.isArray(p.delta) || !p.delta.every((v) => typeof v === 'number')) return null
  const delta = p.delta as number[]
  const ids = Array.isArray(p.samples) && p.samples.length === delta.length ? p.samples.map(String) : delta.map((_, i) => `#${i + 1}`)
  return {
    labels: ids.map((id) => names[id] ?? id),
    delta,
    on: typeof p.base === 'string' ? (names[p.base] ?? p.base) : undefined,
    ratio: typeof p.ratio === 'number' ? p.ratio : undefined
  }
}

/** Line series of every scalar whose key starts with `prefix`, named by the rest of the key. */
export function seriesWithPrefix(scalars: Record<string, ScalarSeries>, prefix: string, logY = false, names: Record<string, string> = {}): LineSeries[] {
  return Object.keys(scalars)
    .filter((k) => k.startsWith(prefix))
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
    .map((k) => ({
      name: names[k.slice(prefix.length)] ?? k.slice(prefix.length),
      x: scalars[k].step,
      // A log axis cannot show 0 (λ decays to it with g⁻ = 0): leave a gap instead.
      y: logY ? scalars[k].value.map((v) => (v > 0 ? v : NaN)) : scalars[k].value
    }))
}

/** Levels that have MI scalars ('mi/level<k>/ix' and 'mi/level<k>/iy'), ascending. */
export function miLevels(scalars: Record<string, ScalarSeries>): number[] {
  const levels = new Set<number>()
  for (const k of Object.keys(scalars)) {
    const m = /^mi\/level(\d+)\/i[xy]$/.exec(k)
    if (m) levels.add(Number(m[1]))
  }
  return [...levels].sort((a, b) => a - b)
}

/** Information-plane points of one level: (I(X;T), I(T;Y), iteration) where both were logged at the same step. */
export function planePoints(scalars: Record<string, ScalarSeries>, level: number): [number, number, number][] {
  const ix = scalars[`mi/level${level}/ix`]
  const iy = scalars[`mi/level${level}/iy`]
  if (!ix || !iy) return []
  const yAt = new Map(iy.step.map((s, i) => [s, iy.value[i]]))
  const out: [number, number, number][] = []
  ix.step.forEach((s, i) => {
    const y = yAt.get(s)
    if (y !== undefined && Number.isFinite(ix.value[i]) && Number.isFinite(y)) out.push([ix.value[i], y, s])
  })
  return out
}
