/**
 * The neurashed model (Su, seed 001 §2): amplification factors λ per node and η per class edge, prediction by
 * eq. 2.1 in log space, and training by Algorithm 1 (g⁺ on the union of the batch's pathways, g⁻ elsewhere;
 * η by the union rule or per-sample co-firing). Graph compilation and validation are in compile.ts; this file
 * re-exports them so `model.ts` is the one entry point for engine, CLI and renderer.
 */
import type { Rng } from '../rng'
import { type CompiledGraph } from './compile'
import { LogSum, logSoftmaxOfLogLogits } from './logspace'
import { ADD, MUL, applyLog, fromGraphRule, isIdentity, toLogRule, type RuleSpec } from './rules'

export * from './compile'
export type { RuleSpec } from './rules'

/** paper: eq. 2.1 (level-1 score λ, η on class edges). slides: level-1 value 1/0, λ on every node incl. classes, no η. */
export type Variant = 'paper' | 'slides'
export type EtaRule = 'union' | 'co-firing'

export interface InitSpec {
  kind: 'zero' | 'constant' | 'uniform'
  value: number
  lo: number
  hi: number
}

/** From iteration `from` on (0-based count of updates done), these replace the default g⁺ / g⁻. */
export interface SchedulePhase {
  from: number
  plus: RuleSpec
  minus: RuleSpec
}

export interface TrainSettings {
  variant: Variant
  init: InitSpec
  etaInit: InitSpec
  plus: RuleSpec
  minus: RuleSpec
  etaPlus: RuleSpec
  etaMinus: RuleSpec
  etaRule: EtaRule
  schedule: SchedulePhase[]
}

export const DEFAULT_TRAIN_SETTINGS: TrainSettings = {
  variant: 'paper',
  init: { kind: 'constant', value: 1, lo: 0, hi: 0.01 },
  etaInit: { kind: 'constant', value: 1, lo: 0, hi: 0.01 },
  plus: { kind: 'mul', value: 1.05 },
  minus: { kind: 'mul', value: 0.99 },
  etaPlus: { kind: 'mul', value: 1.05 },
  etaMinus: { kind: 'mul', value: 0.99 },
  etaRule: 'union',
  schedule: []
}

function initValue(s: InitSpec, rng: Rng): number {
  if (s.kind === 'zero') return 0
  if (s.kind === 'constant') return s.value
  return rng.uniform(s.lo, s.hi)
}

/** A prediction for one sample type: log logits and log probabilities per class. */
export interface Prediction {
  logZ: Float64Array
  logP: Float64Array
}

export class NeurashedModel {
  /** log λ per node (class nodes carry one only in the slides variant). */
  readonly logLambda: Float64Array
  /** log η per η edge (paper variant). */
  readonly logEta: Float64Array
  /** Which nodes have a λ that training updates. */
  readonly hasLambda: Uint8Array
  iteration = 0
  private readonly inG: Int32Array
  private readonly etaMark: Int32Array
  private stamp = 0
  private readonly plusKind: Uint8Array
  private readonly plusParam: Float64Array
  private readonly minusKind: Uint8Array
  private readonly minusParam: Float64Array
  private readonly overridePlus: (RuleSpec | null)[]
  private readonly overrideMinus: (RuleSpec | null)[]
  private phase = -1
  private etaPlus: { kind: number; param: number }
  private etaMinus: { kind: number; param: number }
  private readonly scoreStamp: Int32Array
  private scoreTick = 0
  private readonly logS: Float64Array

  constructor(
    readonly c: CompiledGraph,
    readonly settings: TrainSettings,
    rng: Rng
  ) {
    const n = c.n
    this.hasLambda = new Uint8Array(n)
    for (let i = 0; i < n; i++) this.hasLambda[i] = settings.variant === 'slides' || c.classOf[i] < 0 ? 1 : 0
    this.logLambda = new Float64Array(n).fill(-Infinity)
    c.graph.nodes.forEach((node, i) => {
      if (!this.hasLambda[i]) return
      this.logLambda[i] = Math.log(node.lambda0 ?? initValue(settings.init, rng))
    })
    const etaCount = settings.variant === 'paper' ? c.etaFrom.length : 0
    this.logEta = new Float64Array(etaCount)
    for (let e = 0; e < etaCount; e++) this.logEta[e] = Math.log(initValue(settings.etaInit, rng))
    this.inG = new Int32Array(n).fill(-1)
    this.etaMark = new Int32Array(etaCount).fill(-1)
    this.plusKind = new Uint8Array(n)
    this.plusParam = new Float64Array(n)
    this.minusKind = new Uint8Array(n)
    this.minusParam = new Float64Array(n)
    this.overridePlus = c.graph.nodes.map((x) => (x.plus ? fromGraphRule(x.plus) : null))
    this.overrideMinus = c.graph.nodes.map((x) => (x.minus ? fromGraphRule(x.minus) : null))
    this.etaPlus = toLogRule(settings.etaPlus)
    this.etaMinus = toLogRule(settings.etaMinus)
    this.scoreStamp = new Int32Array(n).fill(-1)
    this.logS = new Float64Array(n)
    this.usePhase()
  }

  /** The default g⁺ / g⁻ in force at the current iteration (the last schedule phase that has started). */
  rulesNow(): { plus: RuleSpec; minus: RuleSpec; phase: number } {
    let phase = -1
    this.settings.schedule.forEach((p, k) => {
      if (p.from <= this.iteration && (phase < 0 || p.from >= this.settings.schedule[phase].from)) phase = k
    })
    if (phase < 0) return { plus: this.settings.plus, minus: this.settings.minus, phase }
    return { plus: this.settings.schedule[phase].plus, minus: this.settings.schedule[phase].minus, phase }
  }

  /** Fill the per-node rule arrays for the current schedule phase (per-node overrides win). */
  private usePhase(): void {
    const now = this.rulesNow()
    if (now.phase === this.phase && this.iteration > 0) return
    this.phase = now.phase
    const plus = toLogRule(now.plus)
    const minus = toLogRule(now.minus)
    for (let i = 0; i < this.c.n; i++) {
      const p = this.overridePlus[i] ? toLogRule(this.overridePlus[i]!) : plus
      const m = this.overrideMinus[i] ? toLogRule(this.overrideMinus[i]!) : minus
      this.plusKind[i] = p.kind
      this.plusParam[i] = p.param
      this.minusKind[i] = m.kind
      this.minusParam[i] = m.param
    }
  }

  /** One iteration of Algorithm 1 on a batch of sample-type indices. */
  step(batch: ArrayLike<number>): void {
    if (this.settings.schedule.length) this.usePhase()
    const c = this.c
    const tick = ++this.stamp
    const inG = this.inG
    for (let b = 0; b < batch.length; b++) {
      const path = c.samples[batch[b]].pathway
      for (let p = 0; p < path.length; p++) inG[path[p]] = tick
    }
    const logLambda = this.logLambda
    const hasLambda = this.hasLambda
    for (let i = 0; i < c.n; i++) {
      if (!hasLambda[i]) continue
      if (inG[i] === tick) {
        logLambda[i] = this.plusKind[i] === MUL ? logLambda[i] + this.plusParam[i] : applyLog(ADD, this.plusParam[i], logLambda[i])
      } else {
        const k = this.minusKind[i]
        const q = this.minusParam[i]
        if (k === MUL) {
          if (q !== 0) logLambda[i] += q
        } else if (q !== 0) logLambda[i] = applyLog(ADD, q, logLambda[i])
      }
    }
    const etaCount = this.logEta.length
    if (etaCount) {
      const mark = this.etaMark
      if (this.settings.etaRule === 'union') {
        for (let e = 0; e < etaCount; e++) if (inG[c.etaFrom[e]] === tick && inG[c.classNodes[c.etaClass[e]]] === tick) mark[e] = tick
      } else {
        for (let b = 0; b < batch.length; b++) {
          const co = c.samples[batch[b]].coEta
          for (let p = 0; p < co.length; p++) mark[co[p]] = tick
        }
      }
      const ep = this.etaPlus
      const em = this.etaMinus
      for (let e = 0; e < etaCount; e++) {
        const r = mark[e] === tick ? ep : em
        this.logEta[e] = applyLog(r.kind, r.param, this.logEta[e])
      }
    }
    this.iteration++
  }

  /** Eq. 2.1 for one sample type: log S along its pathway, then log logits and log softmax. */
  predict(sample: number, out?: Prediction): Prediction {
    const c = this.c
    const K = c.classNodes.length
    const res = out ?? { logZ: new Float64Array(K), logP: new Float64Array(K) }
    const tick = ++this.scoreTick
    const path = c.samples[sample].pathway
    const slides = this.settings.variant === 'slides'
    const L = c.levels
    for (let p = 0; p < path.length; p++) {
      const i = path[p]
      this.scoreStamp[i] = tick
      const lvl = c.level[i]
      if (lvl === L && !slides) continue
      if (lvl === 1) {
        this.logS[i] = slides ? 0 : this.logLambda[i]
        continue
      }
      const sum = new LogSum()
      for (let q = c.depStart[i]; q < c.depStart[i + 1]; q++) {
        const d = c.dep[q]
        if (this.scoreStamp[d] === tick) sum.push(this.logS[d])
      }
      this.logS[i] = this.logLambda[i] + sum.value
    }
    for (let k = 0; k < K; k++) {
      if (slides) {
        const F = c.classNodes[k]
        res.logZ[k] = this.scoreStamp[F] === tick ? this.logS[F] : -Infinity
        continue
      }
      const sum = new LogSum()
      for (let q = c.classEtaStart[k]; q < c.classEtaStart[k + 1]; q++) {
        const e = c.classEta[q]
        const f = c.etaFrom[e]
        if (this.scoreStamp[f] === tick) sum.push(this.logEta[e] + this.logS[f])
      }
      res.logZ[k] = sum.value
    }
    logSoftmaxOfLogLogits(res.logZ, res.logP)
    return res
  }

  /** p(true class) for every sample type. */
  pTrue(): Float64Array {
    const out = new Float64Array(this.c.samples.length)
    this.c.samples.forEach((s, i) => (out[i] = Math.exp(this.predict(i).logP[s.label])))
    return out
  }

  /** A copy of the parameters and the iteration count (for probes that update and then restore). */
  snapshot(): { logLambda: Float64Array; logEta: Float64Array; iteration: number } {
    return { logLambda: this.logLambda.slice(), logEta: this.logEta.slice(), iteration: this.iteration }
  }

  restore(s: { logLambda: Float64Array; logEta: Float64Array; iteration: number }): void {
    this.logLambda.set(s.logLambda)
    this.logEta.set(s.logEta)
    this.iteration = s.iteration
    if (this.settings.schedule.length) this.usePhase()
  }
}

/** Settings that make training degenerate or contradict the model's assumptions (shown before a run). */
export function trainingWarnings(c: CompiledGraph, s: TrainSettings): string[] {
  const out: string[] = []
  const phases = [{ plus: s.plus, minus: s.minus, where: 'the default' }, ...s.schedule.map((p) => ({ plus: p.plus, minus: p.minus, where: `the schedule phase from iteration ${p.from}` }))]
  for (const p of phases) {
    if (p.plus.kind === 'mul' ? p.plus.value <= 1 : p.plus.value <= 0) out.push(`${p.where} g⁺ does not increase λ (g⁺(x) > x is required): firing nodes will not grow`)
    if (p.minus.kind === 'mul' ? p.minus.value > 1 : p.minus.value > 0) out.push(`${p.where} g⁻ increases λ (0 ≤ g⁻(x) ≤ x is required): non-firing nodes grow too`)
  }
  const zeroMul: string[] = []
  c.graph.nodes.forEach((node, i) => {
    if (s.variant === 'paper' && c.classOf[i] >= 0) return
    const plus = node.plus ? fromGraphRule(node.plus) : s.plus
    const starts0 = node.lambda0 !== undefined ? node.lambda0 === 0 : s.init.kind === 'zero' || (s.init.kind === 'constant' && s.init.value === 0) || (s.init.kind === 'uniform' && s.init.hi === 0)
    if (plus.kind === 'mul' && starts0) zeroMul.push(node.id)
  })
  if (zeroMul.length) out.push(`${zeroMul.length === c.n ? 'every node' : `${zeroMul.length} node(s)`} start at λ = 0 with a multiplicative g⁺: they stay 0 forever (use an additive g⁺ or a positive initial λ)${zeroMul.length < c.n ? `: ${zeroMul.slice(0, 8).join(', ')}` : ''}`)
  if (s.variant === 'paper' && c.etaFrom.length) {
    const etaZero = s.etaInit.kind === 'zero' || (s.etaInit.kind === 'constant' && s.etaInit.value === 0) || (s.etaInit.kind === 'uniform' && s.etaInit.hi === 0)
    if (etaZero && s.etaPlus.kind === 'mul') out.push('η starts at 0 with a multiplicative g⁺: every logit stays 0 (p = 1/K)')
    if (etaZero && isIdentity(s.etaPlus)) out.push('η starts at 0 and its g⁺ is the identity: every logit stays 0 (p = 1/K)')
  }
  if (s.init.kind === 'uniform' && s.init.lo > s.init.hi) out.push('initial λ: uniform with lo > hi')
  return out
}
