/**
 * Boltzmann learning of the effective Ising model from data moments, with model moments from BP
 * (effective-model study): J ← J + η_J (C_data − C_model − γJ), h ← h + η_h (m_data − m_model).
 */
import type { Rng } from '../rng'
import { bpCorrelations, initMessages, runBp, type IsingModel } from './bp'

export interface FitOptions {
  etaJ?: number
  etaH?: number
  gamma?: number
  maxSteps?: number
  /** Stop when Δ < tol. */
  tol?: number
  bpTol?: number
  bpMaxSweeps?: number
  rng: Rng
  onStep?: (step: number, delta: number) => void
  shouldStop?: () => boolean
}

export interface FitResult {
  /** The model with the smallest Δ seen. */
  model: IsingModel
  bestDelta: number
  bestStep: number
  deltas: number[]
  modelM: Float64Array
  modelC: Float64Array
  converged: boolean
  /** BP messages of the best model (warm starts). */
  messages: Float64Array
}

/** Δ = √((1/N)Σ(Δm)² + (2/(N(N−1)))Σ_{i<j}(ΔC)²). */
export function fitError(dataM: Float64Array, dataC: Float64Array, modelM: Float64Array, modelC: Float64Array, n: number): number {
  let sm = 0
  for (let i = 0; i < n; i++) sm += (dataM[i] - modelM[i]) ** 2
  let sc = 0
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) sc += (dataC[i * n + j] - modelC[i * n + j]) ** 2
  return Math.sqrt(sm / n + (n > 1 ? (2 * sc) / (n * (n - 1)) : 0))
}

export function fitIsing(data: { n: number; m: Float64Array; C: Float64Array }, opts: FitOptions): FitResult {
  const { n } = data
  const etaJ = opts.etaJ ?? 0.01
  const etaH = opts.etaH ?? 0.3
  const gamma = opts.gamma ?? 1e-4
  const maxSteps = opts.maxSteps ?? 300
  const tol = opts.tol ?? 0.01
  const bpOpts = { tol: opts.bpTol ?? 1e-4, maxSweeps: opts.bpMaxSweeps ?? 1000, tolKind: 'mean' as const }
  const model: IsingModel = { n, J: new Float64Array(n * n), h: new Float64Array(n) }
  // One message matrix across all steps: each step's BP starts from the previous fixed point.
  const msgs = initMessages(n, opts.rng)
  const deltas: number[] = []
  let best: { delta: number; step: number; J: Float64Array; h: Float64Array; m: Float64Array; C: Float64Array; msgs: Float64Array } = { delta: Infinity, step: -1, J: model.J.slice(), h: model.h.slice(), m: new Float64Array(n), C: new Float64Array(n * n), msgs: msgs.slice() }
  let converged = false
  // Step s evaluates the current model (Δ_s), keeps it if best, then updates; step 0 is J = h = 0.
  for (let step = 0; step <= maxSteps; step++) {
    const { m } = runBp(model, msgs, bpOpts)
    const C = bpCorrelations(model, msgs)
    const delta = fitError(data.m, data.C, m, C, n)
    deltas.push(delta)
    opts.onStep?.(step, delta)
    if (delta < best.delta) best = { delta, step, J: model.J.slice(), h: model.h.slice(), m, C, msgs: msgs.slice() }
    if (delta < tol) {
      converged = true
      break
    }
    if (step === maxSteps || opts.shouldStop?.()) break
    for (let i = 0; i < n; i++) {
      model.h[i] += etaH * (data.m[i] - m[i])
      for (let j = i + 1; j < n; j++) {
        const k = i * n + j
        const v = model.J[k] + etaJ * (data.C[k] - C[k] - gamma * model.J[k])
        model.J[k] = model.J[j * n + i] = v
      }
    }
  }
  return {
    model: { n, J: best.J, h: best.h },
    bestDelta: best.delta,
    bestStep: best.step,
    deltas,
    modelM: best.m,
    modelC: best.C,
    converged,
    messages: best.msgs
  }
}
