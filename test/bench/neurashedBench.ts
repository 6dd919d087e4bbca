/**
 * Bench section 8: neurashed training speed (issue 7: a 10 000-node random graph must train at ≥ 1 000
 * iterations/s). Theorem 1's random graph with m = 2 500 nodes on each of 4 levels (+ 10 class nodes),
 * b1 = 100 shared and b2 = 40 per class, trained by Algorithm 1 with batch 32 drawn i.i.d. — the model alone,
 * then the study runner in-process (logging every 100 iterations: p_true, λ, sparsity, the state series).
 */
import { createRng } from '../../src-shared/rng'
import { compileGraph, NeurashedModel, DEFAULT_TRAIN_SETTINGS } from '../../src-shared/neurashed/model'
import { createSampler } from '../../src-shared/neurashed/sampling'
import { theoremGraph } from '../../src-shared/neurashed/theory'
import { neurashedDefaults, type NeurashedConfig } from '../../src-shared/studies/neurashed'
import { runNeurashed } from '../../src-main/engine/studies/neurashed'
import type { RunContext } from '../../src-main/engine/studies/context'

export interface NeurashedFigures {
  nodes: number
  edges: number
  batch: number
  compileSeconds: number
  model: { iterations: number; seconds: number; iterationsPerSecond: number }
  /** p_true of every sample type (eq. 2.1 along each pathway). */
  predictAllMs: number
  runner: { iterations: number; seconds: number; iterationsPerSecond: number; scalars: number; seriesPoints: number }
  target: number
}

const GRAPH = { m: 2500, b1: 100, b2: 40, levels: 5, classes: 10 }
const BATCH = 32
const TARGET = 1000

export async function neurashedFigures(opts: { quick: boolean; log: (msg: string) => void }): Promise<NeurashedFigures> {
  const seconds = opts.quick ? 1 : 4
  let t = performance.now()
  const graph = theoremGraph(GRAPH, 1)
  const c = compileGraph(graph)
  const compileSeconds = (performance.now() - t) / 1000
  opts.log(`neurashed: ${c.n} nodes, ${graph.edges.length} edges compiled in ${compileSeconds.toFixed(2)} s`)
  const settings = { ...DEFAULT_TRAIN_SETTINGS, plus: { kind: 'mul' as const, value: 1.01 }, minus: { kind: 'mul' as const, value: 0.999 } }
  const model = new NeurashedModel(c, settings, createRng(2))
  const sampler = createSampler(c, 'iid', BATCH, createRng(3))
  for (let i = 0; i < 200; i++) model.step(sampler.next()) // warm-up (JIT)
  let iterations = 0
  t = performance.now()
  while (performance.now() - t < seconds * 1000) {
    for (let i = 0; i < 100; i++) model.step(sampler.next())
    iterations += 100
  }
  const modelSeconds = (performance.now() - t) / 1000
  t = performance.now()
  const reps = 20
  for (let r = 0; r < reps; r++) model.pTrue()
  const predictAllMs = (performance.now() - t) / reps

  const config: NeurashedConfig = {
    ...structuredClone(neurashedDefaults),
    generator: { kind: 'theorem', ...GRAPH },
    plus: settings.plus,
    minus: settings.minus,
    batchSize: BATCH,
    sampling: 'iid',
    iterations: opts.quick ? 2000 : 10_000,
    logEvery: 100,
    stateEvery: 500,
    probe: { enabled: false, base: '', near: '', far: '' }
  }
  let scalars = 0
  let seriesPoints = 0
  const ctx: RunContext = {
    tf: undefined as any,
    runId: 'bench',
    config,
    seed: 1,
    rng: createRng(1),
    backend: 'cpu',
    log: () => void scalars++,
    logSeries: (_key, _step, payload) => void (seriesPoints++, JSON.stringify(payload)),
    artifact: () => {},
    progress: () => {},
    aborted: false
  }
  t = performance.now()
  const summary = await runNeurashed(ctx)
  const runnerSeconds = (performance.now() - t) / 1000
  return {
    nodes: c.n,
    edges: graph.edges.length,
    batch: BATCH,
    compileSeconds: round(compileSeconds, 3),
    model: { iterations, seconds: round(modelSeconds, 2), iterationsPerSecond: Math.round(iterations / modelSeconds) },
    predictAllMs: round(predictAllMs, 3),
    runner: { iterations: summary.steps, seconds: round(runnerSeconds, 2), iterationsPerSecond: Math.round(summary.steps / runnerSeconds), scalars, seriesPoints },
    target: TARGET
  }
}

const round = (v: number, d: number) => Math.round(v * 10 ** d) / 10 ** d

export function neurashedReport(f: NeurashedFigures): string[] {
  const ok = (v: number) => (v >= f.target ? `✓ ≥ ${f.target}` : `✗ below ${f.target}`)
  return [
    `8. Neurashed: Theorem 1 random graph, ${f.nodes.toLocaleString('en-US')} nodes, ${f.edges.toLocaleString('en-US')} edges, batch ${f.batch} (i.i.d.), compiled in ${f.compileSeconds} s`,
    `   model alone:        ${f.model.iterationsPerSecond.toLocaleString('en-US')} iterations/s (${f.model.iterations} in ${f.model.seconds} s)   ${ok(f.model.iterationsPerSecond)}`,
    `   runner (logging):   ${f.runner.iterationsPerSecond.toLocaleString('en-US')} iterations/s wall (${f.runner.iterations} in ${f.runner.seconds} s; ${f.runner.scalars} scalars, ${f.runner.seriesPoints} series points)   ${ok(f.runner.iterationsPerSecond)}`,
    `   p_true of every sample type (eq. 2.1): ${f.predictAllMs} ms`
  ]
}
