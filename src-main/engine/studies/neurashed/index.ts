/**
 * Runner of `neurashed` (spec neurashed.md): compile the graph (or generate Theorem 1's), train it by
 * Algorithm 1 and log what src-shared/studies/neurashed.ts documents — λ, p_true, sparsity, noisy MI per level,
 * the local-elasticity probe — or, for the depth sweep (Theorem 2), the probe ratio per depth.
 */
import { createRng, deriveSeed } from '../../../../src-shared/rng'
import { compileGraph, NeurashedGraphError, NeurashedModel, trainingWarnings, type CompiledGraph, type TrainSettings } from '../../../../src-shared/neurashed/model'
import { createSampler, samplingWarnings } from '../../../../src-shared/neurashed/sampling'
import { levelMi } from '../../../../src-shared/neurashed/mi'
import { sparsity } from '../../../../src-shared/neurashed/sparsity'
import { deltaLogits, theorem1Limit, theoremGraph, theoremRatio } from '../../../../src-shared/neurashed/theory'
import type { NeurashedGraph } from '../../../../src-shared/studies/neurashedGraph'
import type { NeurashedConfig, NeurashedDeltaPayload, NeurashedDepthPayload, NeurashedGraphPayload, NeurashedMiPayload, NeurashedStatePayload } from '../../../../src-shared/studies/neurashed'
import { RunFailure, type RunContext, type StudyRunner } from '../context'

/** λ scalars are logged for at most this many nodes (the state series carries all of them). */
const MAX_LAMBDA_KEYS = 50

const round = (v: number) => (Number.isFinite(v) ? +v.toPrecision(6) : v)

function settingsOf(cfg: NeurashedConfig): TrainSettings {
  return { variant: cfg.variant, init: cfg.init, etaInit: cfg.etaInit, plus: cfg.plus, minus: cfg.minus, etaPlus: cfg.etaPlus, etaMinus: cfg.etaMinus, etaRule: cfg.etaRule, schedule: cfg.schedule }
}

function graphOf(cfg: NeurashedConfig, seed: number, levels = cfg.generator.levels): NeurashedGraph {
  if (cfg.generator.kind === 'none') return cfg.graph
  try {
    return theoremGraph({ ...cfg.generator, levels }, seed)
  } catch (err) {
    throw new RunFailure(`the random graph could not be built: ${(err as Error).message}`)
  }
}

function compile(graph: NeurashedGraph): CompiledGraph {
  try {
    return compileGraph(graph)
  } catch (err) {
    if (err instanceof NeurashedGraphError) throw new RunFailure(`the graph is not valid: ${err.problems.join('; ')}`)
    throw err
  }
}

/** Probe sample indices: explicit ids, else base = first, near = base, far = the last sample of another class. */
function probeSamples(c: CompiledGraph, probe: NeurashedConfig['probe']): { base: number; near: number; far: number } {
  const find = (id: string, fallback: number) => {
    if (!id) return fallback
    const i = c.samples.findIndex((s) => s.id === id)
    if (i < 0) throw new RunFailure(`probe: no sample type "${id}" in the graph`)
    return i
  }
  const base = find(probe.base, 0)
  const near = find(probe.near, base)
  let other = -1
  c.samples.forEach((s, i) => {
    if (s.label !== c.samples[base].label) other = i
  })
  const far = find(probe.far, other < 0 ? base : other)
  return { base, near, far }
}

const ratioOf = (near: number, far: number) => (far !== 0 && Number.isFinite(near / far) ? near / far : null)

/** Train one model for cfg.iterations; returns the model (used by the depth sweep). */
function trainSilently(c: CompiledGraph, cfg: NeurashedConfig, seed: number, aborted: () => boolean): NeurashedModel | null {
  const model = new NeurashedModel(c, settingsOf(cfg), createRng(deriveSeed(seed, 'init')))
  const sampler = createSampler(c, cfg.sampling, cfg.batchSize, createRng(deriveSeed(seed, 'batches')))
  for (let it = 0; it < cfg.iterations; it++) {
    if ((it & 1023) === 0 && aborted()) return null
    model.step(sampler.next())
  }
  return model
}

async function depthSweep(ctx: RunContext, cfg: NeurashedConfig) {
  const started = performance.now()
  const depths = [...new Set(cfg.depthSweep.depths)].sort((a, b) => a - b)
  const final: Record<string, number> = {}
  const payload: NeurashedDepthPayload = { depths: [], ratio: [], exact: [], limit: theorem1Limit(cfg.generator.b1, cfg.generator.b2) }
  let steps = 0
  for (const [k, L] of depths.entries()) {
    if (ctx.aborted) break
    ctx.progress(k, depths.length, `depth ${L}`)
    const c = compile(graphOf(cfg, ctx.seed, L))
    const model = trainSilently(c, cfg, ctx.seed, () => ctx.aborted)
    if (!model) break
    steps += cfg.iterations
    const { base, near, far } = probeSamples(c, cfg.probe)
    const d = deltaLogits(model, base)
    const ratio = ratioOf(d.delta[near], d.delta[far])
    const t = cfg.iterations / cfg.generator.classes
    const exact = theoremRatio({ ...cfg.generator, levels: L }, t)
    if (ratio !== null) {
      ctx.log('theorem/ratio', L, ratio)
      final[`theorem/ratio/L${L}`] = ratio
    }
    ctx.log('theorem/exact', L, exact)
    ctx.log('theorem/limit', L, payload.limit)
    payload.depths.push(L)
    payload.ratio.push(ratio)
    payload.exact.push(exact)
  }
  ctx.logSeries('neurashed/depthRatio', depths.at(-1) ?? 0, payload)
  const last = payload.ratio.at(-1)
  if (last != null) final['elasticity/ratio'] = last
  const seconds = (performance.now() - started) / 1000
  return { final, steps, epochs: 0, wallSeconds: seconds, samplesPerSecond: seconds > 0 ? Math.round((steps * cfg.batchSize) / seconds) : 0 }
}

export const runNeurashed: StudyRunner = async (ctx: RunContext) => {
  const cfg = ctx.config as NeurashedConfig
  if (cfg.depthSweep.enabled) {
    if (cfg.generator.kind !== 'theorem') throw new RunFailure('the depth sweep needs the Theorem 1 random graph (generator: theorem)')
    return depthSweep(ctx, cfg)
  }
  const started = performance.now()
  const graph = graphOf(cfg, ctx.seed)
  const c = compile(graph)
  const settings = settingsOf(cfg)
  const model = new NeurashedModel(c, settings, createRng(deriveSeed(ctx.seed, 'init')))
  const sampler = createSampler(c, cfg.sampling, cfg.batchSize, createRng(deriveSeed(ctx.seed, 'batches')))
  const miRng = createRng(deriveSeed(ctx.seed, 'mi'))
  const warnings = [...trainingWarnings(c, settings), ...samplingWarnings(c, cfg.sampling)]
  const graphPayload: NeurashedGraphPayload = { graph, pathways: c.samples.map((s) => Array.from(s.pathway, (i) => c.ids[i])), labels: c.samples.map((s) => s.label), warnings }
  ctx.logSeries('neurashed/graph', 0, graphPayload)

  const lambdaNodes = Array.from({ length: c.n }, (_, i) => i).filter((i) => model.hasLambda[i]).slice(0, MAX_LAMBDA_KEYS)
  const probe = cfg.probe.enabled ? probeSamples(c, cfg.probe) : null
  const final: Record<string, number> = {}
  const record = (key: string, step: number, value: number) => {
    if (!Number.isFinite(value)) return
    ctx.log(key, step, value)
    final[key] = value
  }
  const miHistory = new Map<string, number[]>()

  const measure = (step: number) => {
    for (const i of lambdaNodes) record(`lambda/${c.ids[i]}`, step, Math.exp(model.logLambda[i]))
    const pTrue = model.pTrue()
    c.samples.forEach((s, i) => record(`p_true/${s.id}`, step, pTrue[i]))
    record('p_true/mean', step, pTrue.reduce((a, b) => a + b, 0) / pTrue.length)
    const sp = sparsity(model)
    record('sparsity/entropy', step, sp.entropy)
    record('sparsity/gini', step, sp.gini)
    record('sparsity/active', step, sp.active)
    if (cfg.mi.enabled) {
      const levels = levelMi(model, cfg.mi, miRng)
      for (const m of levels) {
        for (const [kind, v] of [['ix', m.ix], ['iy', m.iy]] as const) {
          const key = `mi/level${m.level}/${kind}`
          record(key, step, v)
          const h = miHistory.get(key) ?? []
          h.push(v)
          miHistory.set(key, h)
        }
      }
      const p: NeurashedMiPayload = { step, levels: levels.map((m) => ({ level: m.level, ix: round(m.ix), iy: round(m.iy) })) }
      ctx.logSeries('neurashed/mi', step, p)
    }
    if (probe) {
      const d = deltaLogits(model, probe.base)
      c.samples.forEach((s, i) => record(`elasticity/delta/${s.id}`, step, d.delta[i]))
      const ratio = ratioOf(d.delta[probe.near], d.delta[probe.far])
      if (ratio !== null) record('elasticity/ratio', step, ratio)
      const p: NeurashedDeltaPayload = {
        step,
        base: c.samples[probe.base].id,
        near: c.samples[probe.near].id,
        far: c.samples[probe.far].id,
        samples: c.samples.map((s) => s.id),
        delta: Array.from(d.delta, round),
        all: d.all.map((row) => Array.from(row, round)),
        ratio
      }
      ctx.logSeries('neurashed/deltaLogits', step, p)
    }
  }

  const state = (step: number) => {
    const pTrue = model.pTrue()
    const p: NeurashedStatePayload = {
      step,
      lambda: Array.from(model.logLambda, (lv, i) => (model.hasLambda[i] ? round(Math.min(Number.MAX_VALUE, Math.exp(lv))) : null)),
      log10Lambda: Array.from(model.logLambda, (lv, i) => (model.hasLambda[i] && lv > -Infinity ? round(lv / Math.LN10) : null)),
      eta: Array.from(model.logEta, (lv) => round(Math.min(Number.MAX_VALUE, Math.exp(lv)))),
      etaEdges: step === 0 ? Array.from({ length: model.logEta.length }, (_, e) => [c.ids[c.etaFrom[e]], c.ids[c.classNodes[c.etaClass[e]]]] as [string, string]) : [],
      pTrue: Array.from(pTrue, round)
    }
    ctx.logSeries('neurashed/state', step, p)
  }

  let trainSeconds = 0
  let it = 0
  let lastYield = performance.now()
  measure(0)
  state(0)
  while (it < cfg.iterations && !ctx.aborted) {
    const chunkEnd = Math.min(cfg.iterations, (Math.floor(it / cfg.logEvery) + 1) * cfg.logEvery, (Math.floor(it / cfg.stateEvery) + 1) * cfg.stateEvery)
    const t0 = performance.now()
    while (it < chunkEnd) {
      model.step(sampler.next())
      it++
    }
    trainSeconds += (performance.now() - t0) / 1000
    if (it % cfg.logEvery === 0 || it === cfg.iterations) measure(it)
    if (it % cfg.stateEvery === 0 || it === cfg.iterations) state(it)
    ctx.progress(it, cfg.iterations, `iteration ${it}/${cfg.iterations}`)
    // Yield now and then so a cancel can arrive.
    if (performance.now() - lastYield > 100) {
      await new Promise((r) => setTimeout(r, 0))
      lastYield = performance.now()
    }
  }

  for (const [key, h] of miHistory) {
    final[`${key}/start`] = h[0]
    final[`${key}/end`] = h.at(-1)!
    if (key.endsWith('/ix')) final[`${key}/peak`] = Math.max(...h)
  }
  const iterationsPerSecond = trainSeconds > 0 ? it / trainSeconds : 0
  if (iterationsPerSecond) final.iterationsPerSecond = Math.round(iterationsPerSecond)
  return {
    final,
    steps: it,
    epochs: Math.round(sampler.epochs() * 100) / 100,
    wallSeconds: (performance.now() - started) / 1000,
    samplesPerSecond: Math.round(iterationsPerSecond * cfg.batchSize)
  }
}
