/**
 * The neurashed model (src-shared/neurashed) and its study runner: eq. 2.1 against hand computation, Algorithm 1
 * updates (union and co-firing η rules, overrides, schedules), the 5/2 ratio, Theorem 1's limit, the
 * information-bottleneck endpoints, graph validation, and the keys the runner logs.
 */
import { describe, expect, test } from 'vitest'
import { runNeurashed } from '../../src-main/engine/studies/neurashed'
import type { RunContext, StudyRunner } from '../../src-main/engine/studies/context'
import { createRng } from '../../src-shared/rng'
import { checkGraph, compileGraph, DEFAULT_TRAIN_SETTINGS, NeurashedModel, pathwayFromPixels, trainingWarnings, type TrainSettings } from '../../src-shared/neurashed/model'
import { fiveTwoGraph, informationBottleneckGraph, referenceGraph } from '../../src-shared/neurashed/graphs'
import { mutualInformation, DEFAULT_MI } from '../../src-shared/neurashed/mi'
import { deltaLogits, theorem1Limit, theoremGraph, theoremRatio } from '../../src-shared/neurashed/theory'
import { createSampler } from '../../src-shared/neurashed/sampling'
import { validateConfig } from '../../src-shared/studies'
import { neurashedTemplates, type NeurashedConfig, type NeurashedStatePayload } from '../../src-shared/studies/neurashed'
import type { NeurashedGraph } from '../../src-shared/studies/neurashedGraph'

/**
 * a b c → m1 = OR(a, b), m2 = AND(b, c) → F1 fires on (m1, not m2) (truth table), F2 = OR(m2).
 * X fires {a, b} (class 1), Y fires {b, c} (class 2).
 */
function handGraph(): NeurashedGraph {
  return {
    levels: 3,
    nodes: [
      { id: 'a', level: 1, lambda0: 2 },
      { id: 'b', level: 1, lambda0: 3 },
      { id: 'c', level: 1, lambda0: 5 },
      { id: 'm1', level: 2, rule: { kind: 'or' }, lambda0: 0.5 },
      { id: 'm2', level: 2, rule: { kind: 'and' }, lambda0: 4 },
      { id: 'F1', level: 3, rule: { kind: 'table', fires: ['10'] }, lambda0: 1 },
      { id: 'F2', level: 3, rule: { kind: 'or' }, lambda0: 0.25 }
    ],
    edges: [
      { from: 'm1', to: 'a' }, { from: 'm1', to: 'b' }, { from: 'm2', to: 'b' }, { from: 'm2', to: 'c' },
      { from: 'F1', to: 'm1' }, { from: 'F1', to: 'm2' }, { from: 'F2', to: 'm2' }
    ],
    samples: [
      { id: 'X', name: 'X', fires: ['a', 'b'] },
      { id: 'Y', name: 'Y', fires: ['b', 'c'] }
    ]
  }
}

const settings = (patch: Partial<TrainSettings> = {}): TrainSettings => ({ ...structuredClone(DEFAULT_TRAIN_SETTINGS), ...patch })

/** η of the edge from → class node. */
function etaIndex(model: NeurashedModel, from: string, to: string): number {
  const c = model.c
  for (let e = 0; e < c.etaFrom.length; e++) if (c.ids[c.etaFrom[e]] === from && c.ids[c.classNodes[c.etaClass[e]]] === to) return e
  throw new Error(`no η edge ${from} → ${to}`)
}

function handModel(patch: Partial<TrainSettings> = {}): NeurashedModel {
  const m = new NeurashedModel(compileGraph(handGraph()), settings(patch), createRng(1))
  m.logEta[etaIndex(m, 'm1', 'F1')] = Math.log(1.5)
  m.logEta[etaIndex(m, 'm2', 'F1')] = Math.log(0.5)
  m.logEta[etaIndex(m, 'm2', 'F2')] = Math.log(0.1)
  return m
}

const lam = (m: NeurashedModel, id: string) => Math.exp(m.logLambda[m.c.indexOf.get(id)!])
const eta = (m: NeurashedModel, from: string, to: string) => Math.exp(m.logEta[etaIndex(m, from, to)])
const softmax = (z: number[]) => z.map((v) => Math.exp(v) / z.reduce((a, w) => a + Math.exp(w), 0))

describe('prediction (eq. 2.1)', () => {
  test('pathways follow the firing rules; logits and probabilities match the hand computation', () => {
    const m = handModel()
    const ids = (s: number) => Array.from(m.c.samples[s].pathway, (i) => m.c.ids[i])
    expect(ids(0)).toEqual(['a', 'b', 'm1', 'F1'])
    expect(ids(1)).toEqual(['b', 'c', 'm1', 'm2', 'F2'])
    expect(m.c.samples.map((s) => s.label)).toEqual([0, 1])
    // X: S_m1 = 0.5·(2 + 3) = 2.5; Z1 = 1.5·2.5 = 3.75; Z2 = 0 (m2 silent).
    const x = m.predict(0)
    expect(Array.from(x.logZ, Math.exp)).toEqual([expect.closeTo(3.75, 12), 0])
    expect(Array.from(x.logP, Math.exp).map((p) => +p.toFixed(12))).toEqual(softmax([3.75, 0]).map((p) => +p.toFixed(12)))
    // Y: S_m1 = 0.5·3 = 1.5, S_m2 = 4·(3 + 5) = 32; Z1 = 1.5·1.5 + 0.5·32 = 18.25; Z2 = 0.1·32 = 3.2.
    const y = m.predict(1)
    expect(Math.exp(y.logZ[0])).toBeCloseTo(18.25, 10)
    expect(Math.exp(y.logZ[1])).toBeCloseTo(3.2, 10)
    expect(Math.exp(y.logP[1])).toBeCloseTo(softmax([18.25, 3.2])[1], 12)
  })

  test('scores far beyond the float range still give exact, finite probabilities', () => {
    const m = handModel()
    m.logLambda[m.c.indexOf.get('m2')!] = Math.log(1e300) + Math.log(1e300)
    const y = m.predict(1)
    // Z1 = 0.5·8e600 + 2.25, Z2 = 0.1·8e600: class 1 wins by ~3.6e600.
    expect(y.logZ[0]).toBeCloseTo(Math.log(4) + 600 * Math.LN10, 9)
    expect(Math.exp(y.logP[0])).toBe(1)
    expect(Math.exp(y.logP[1])).toBe(0)
    expect(Number.isFinite(y.logP[0])).toBe(true)
  })

  test('slides variant: level-1 value 1, λ on the class nodes, no η', () => {
    const m = handModel({ variant: 'slides' })
    expect(m.logEta.length).toBe(0)
    // Y: v_m2 = 4·(1 + 1) = 8, v_F2 = 0.25·8 = 2, F1 silent → 0.
    const y = m.predict(1)
    expect(Math.exp(y.logZ[1])).toBeCloseTo(2, 12)
    expect(y.logZ[0]).toBe(-Infinity)
    expect(Math.exp(y.logP[1])).toBeCloseTo(softmax([0, 2])[1], 12)
  })

  test('a pixel input fires level-1 nodes above the threshold, in graph order', () => {
    const c = compileGraph(handGraph())
    expect(Array.from(pathwayFromPixels(c, [0.1, 0.9, 0.7], 0.5), (i) => c.ids[i])).toEqual(['b', 'c', 'm1', 'm2', 'F2'])
    expect(() => pathwayFromPixels(c, [1, 1], 0.5)).toThrow(/2 pixels, but the graph has 3 level-1 nodes/)
  })
})

describe('training (Algorithm 1)', () => {
  const rules = { plus: { kind: 'mul' as const, value: 2 }, minus: { kind: 'mul' as const, value: 0.5 }, etaPlus: { kind: 'mul' as const, value: 2 }, etaMinus: { kind: 'mul' as const, value: 0.5 } }

  test('λ: g⁺ on the union of the batch pathways, g⁻ elsewhere; per-node overrides win', () => {
    const g = handGraph()
    g.nodes[2].plus = { kind: 'add', amount: 1 }
    const m = new NeurashedModel(compileGraph(g), settings(rules), createRng(1))
    m.step([0])
    expect([lam(m, 'a'), lam(m, 'b'), lam(m, 'c'), lam(m, 'm1'), lam(m, 'm2')].map((v) => +v.toFixed(12))).toEqual([4, 6, 2.5, 1, 2])
    m.step([1])
    // c: override x + 1; the others ×2 / ×0.5.
    expect([lam(m, 'a'), lam(m, 'b'), lam(m, 'c'), lam(m, 'm1'), lam(m, 'm2')].map((v) => +v.toFixed(12))).toEqual([2, 12, 3.5, 2, 4])
  })

  test('η, union rule: g⁺ when both endpoints are in G, even if they never fire for the same sample', () => {
    const m = handModel({ ...rules, etaRule: 'union' })
    m.step([0, 1])
    expect(eta(m, 'm1', 'F1')).toBeCloseTo(3, 12)
    expect(eta(m, 'm2', 'F1')).toBeCloseTo(1, 12) // m2 (from Y) and F1 (from X) are both in G
    expect(eta(m, 'm2', 'F2')).toBeCloseTo(0.2, 12)
  })

  test('η, co-firing rule: g⁺ only when both endpoints fire for one sample of the batch', () => {
    const m = handModel({ ...rules, etaRule: 'co-firing' })
    m.step([0, 1])
    expect(eta(m, 'm1', 'F1')).toBeCloseTo(3, 12)
    expect(eta(m, 'm2', 'F1')).toBeCloseTo(0.25, 12)
    expect(eta(m, 'm2', 'F2')).toBeCloseTo(0.2, 12)
  })

  test('additive rules clamp at 0; a schedule switches the rules from its iteration on', () => {
    const m = new NeurashedModel(
      compileGraph(handGraph()),
      settings({ plus: { kind: 'add', value: 1 }, minus: { kind: 'add', value: -4 }, schedule: [{ from: 1, plus: { kind: 'mul', value: 3 }, minus: { kind: 'mul', value: 1 } }] }),
      createRng(1)
    )
    m.step([0])
    expect([lam(m, 'a'), lam(m, 'c'), lam(m, 'm2')].map((v) => +v.toFixed(12))).toEqual([3, 1, 0])
    m.step([0])
    expect([lam(m, 'a'), lam(m, 'c'), lam(m, 'm2')].map((v) => +v.toFixed(12))).toEqual([9, 1, 0])
  })

  test('shuffled epochs give every sample type the same count per epoch; i.i.d. follows the weights', () => {
    const c = compileGraph(informationBottleneckGraph())
    const s = createSampler(c, 'epochs', 3, createRng(4))
    const counts = new Array(8).fill(0)
    for (let i = 0; i < 8; i++) for (const k of s.next()) counts[k]++
    expect(counts).toEqual(new Array(8).fill(3))
    const g = handGraph()
    g.samples[1].weight = 3
    const iid = createSampler(compileGraph(g), 'iid', 1000, createRng(5))
    const ys = Array.from(iid.next()).filter((k) => k === 1).length
    expect(ys / 1000).toBeCloseTo(0.75, 1)
  })

  test('warns when a multiplicative g⁺ meets λ = 0', () => {
    const c = compileGraph(handGraph())
    expect(trainingWarnings(c, settings({ init: { kind: 'zero', value: 0, lo: 0, hi: 0 } })).join('\n')).not.toMatch(/stay 0/) // every node has λ₀ in this graph
    const g = compileGraph(fiveTwoGraph())
    expect(trainingWarnings(g, settings({ init: { kind: 'zero', value: 0, lo: 0, hi: 0 } })).join('\n')).toMatch(/start at λ = 0 with a multiplicative g⁺: they stay 0 forever/)
    expect(trainingWarnings(g, settings({ init: { kind: 'zero', value: 0, lo: 0, hi: 0 }, plus: { kind: 'add', value: 1 } })).join('\n')).not.toMatch(/stay 0/)
  })
})

describe('local elasticity', () => {
  const additive = settings({
    init: { kind: 'zero', value: 0, lo: 0, hi: 0 },
    etaInit: { kind: 'zero', value: 0, lo: 0, hi: 0 },
    plus: { kind: 'add', value: 1 },
    minus: { kind: 'add', value: 0 },
    etaPlus: { kind: 'add', value: 1 },
    etaMinus: { kind: 'add', value: 0 }
  })

  test('5/2: one update on a tiger changes the cat logit 5/2 times the plane logit (additive rules, equal counts)', () => {
    const c = compileGraph(fiveTwoGraph())
    for (const epochs of [1, 4, 10]) {
      const m = new NeurashedModel(c, additive, createRng(1))
      const sampler = createSampler(c, 'epochs', 1, createRng(epochs))
      for (let i = 0; i < 3 * epochs; i++) m.step(sampler.next())
      const before = Array.from(m.logLambda)
      const d = deltaLogits(m, 0)
      expect(d.delta[1] / d.delta[2]).toBeCloseTo(2.5, 12)
      expect(d.delta[0]).toBeGreaterThan(d.delta[1])
      expect(Array.from(m.logLambda)).toEqual(before) // the probe restores the state
    }
  })

  test('Theorem 1: for large m the ratio is within 5 % of (b1 + b2)/b1 and equals the closed form', () => {
    const s = { m: 2000, b1: 2, b2: 3, levels: 4, classes: 3 }
    const c = compileGraph(theoremGraph(s, 7))
    expect(c.n).toBe(3 * 2000 + 3)
    const m = new NeurashedModel(c, settings({ ...additive, etaInit: { kind: 'constant', value: 1, lo: 0, hi: 0 }, plus: { kind: 'add', value: 2 }, etaPlus: { kind: 'add', value: 0 } }), createRng(1))
    const sampler = createSampler(c, 'epochs', 1, createRng(2))
    const t = 200
    for (let i = 0; i < 3 * t; i++) m.step(sampler.next())
    const d = deltaLogits(m, 0)
    const ratio = d.delta[0] / d.delta[1]
    expect(Math.abs(ratio / theorem1Limit(2, 3) - 1)).toBeLessThan(0.05)
    expect(ratio).toBeCloseTo(theoremRatio(s, t), 9)
  })

  test('Theorem 2: the ratio grows with depth', () => {
    const ratios = [2, 8, 32].map((L) => theoremRatio({ b1: 2, b2: 3, levels: L, classes: 3 }, 2))
    expect(ratios[0]).toBeCloseTo(2.5, 12) // L = 2: one λ level, the ratio is (b1 + b2)/b1 exactly
    expect(ratios[1]).toBeGreaterThan(ratios[0])
    expect(ratios[2]).toBeGreaterThan(10 * ratios[0])
  })
})

describe('mutual information', () => {
  const rows = (vs: number[][]) => vs.map((v) => Float64Array.from(v))

  test('KDE: distinct representations carry log₂(types) bits, merged ones log₂(groups); I(T;Y) follows the labels', () => {
    const mi = (r: number[][], labels: number[]) => mutualInformation(rows(r), r.map(() => 1), labels, DEFAULT_MI, createRng(1))
    const apart = mi([[0, 0], [1, 0], [0, 1], [1, 1]], [0, 0, 1, 1])
    expect(apart.ix).toBeCloseTo(2, 6)
    expect(apart.iy).toBeCloseTo(1, 6)
    const merged = mi([[0, 0], [0, 0], [1, 1], [1, 1]], [0, 0, 1, 1])
    expect(merged.ix).toBeCloseTo(1, 6)
    expect(merged.iy).toBeCloseTo(1, 6)
    const same = mi([[0.5, 0.5], [0.5, 0.5], [0.5, 0.5], [0.5, 0.5]], [0, 0, 1, 1])
    expect(same.ix).toBeCloseTo(0, 9)
  })

  test('binning agrees with the KDE bound where the noise is small', () => {
    const r = rows([[0, 0], [1, 0], [0, 1], [1, 1]])
    const b = mutualInformation(r, [1, 1, 1, 1], [0, 0, 1, 1], { ...DEFAULT_MI, estimator: 'binning', bins: 10, draws: 300 }, createRng(3))
    expect(b.ix).toBeCloseTo(2, 1)
    expect(b.iy).toBeCloseTo(1, 1)
  })
})

describe('graph validation', () => {
  const problems = (patch: (g: NeurashedGraph) => void) => {
    const g = handGraph()
    patch(g)
    return checkGraph(g).errors.join('\n')
  }

  test('each problem gets a readable message', () => {
    expect(problems((g) => g.edges.push({ from: 'F1', to: 'a' }))).toMatch(/edge F1 → a joins level 3 to level 1; an edge must go from a node to a dependent exactly one level below/)
    expect(problems((g) => g.edges.push({ from: 'm1', to: 'zz' }))).toMatch(/unknown node "zz"/)
    expect(problems((g) => (g.samples[0].fires = ['a', 'nope']))).toMatch(/sample "X" \(X\): its level-1 firing set lists unknown node "nope"/)
    expect(problems((g) => (g.samples[0].fires = ['a', 'm1']))).toMatch(/"m1" is on level 2, not level 1/)
    expect(problems((g) => (g.samples[0].fires = ['c']))).toMatch(/sample "X" \(X\): its pathway fires no class node/)
    expect(problems((g) => (g.nodes[5].rule = { kind: 'or' }))).toMatch(/sample "Y" \(Y\): its pathway fires 2 class nodes \(F1, F2\)/)
    expect(problems((g) => (g.nodes[5].rule = { kind: 'table', fires: ['100'] }))).toMatch(/node "F1": truth-table row "100" has 3 entries, but the node has 2 dependents/)
    expect(problems((g) => g.nodes.push({ id: 'a', level: 1 }))).toMatch(/node id "a" is used twice/)
    expect(problems((g) => g.nodes.push({ id: 'top', level: 4 }))).toMatch(/node "top" is on level 4, but the graph has 3 levels/)
    const bad = handGraph()
    bad.samples[0].fires = ['c']
    expect(() => compileGraph(bad)).toThrow(/invalid neurashed graph: sample "X" \(X\): its pathway fires no class node/)
  })

  test('warnings: rules that can never fire, nodes on no pathway', () => {
    const g = handGraph()
    g.nodes.push({ id: 'm3', level: 2, rule: { kind: 'atLeast', k: 3 } })
    g.edges.push({ from: 'm3', to: 'a' })
    const w = checkGraph(g).warnings.join('\n')
    expect(w).toMatch(/node "m3" fires when at least 3 dependents fire, but it has 1: it never fires/)
    expect(w).toMatch(/node on no sample's pathway \(they only ever shrink by g⁻\): m3/)
  })

  test('the study config reports graph problems at the graph field and unknown probe samples at theirs', () => {
    const config = structuredClone(neurashedTemplates[0].config)
    config.graph.edges.push({ from: 'F1', to: 'a1' })
    config.probe.far = 'nobody'
    const r = validateConfig('neurashed', config)
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.problems).toContainEqual({ path: 'graph', message: expect.stringMatching(/edge F1 → a1 joins level 4 to level 1/) })
    expect(r.problems).toContainEqual({ path: 'probe.far', message: 'no sample type "nobody" in the graph' })
  })
})

interface Recorded {
  scalars: Record<string, { step: number; value: number }[]>
  series: Record<string, { step: number; payload: any }[]>
  summary: Awaited<ReturnType<StudyRunner>>
}

async function record(config: NeurashedConfig): Promise<Recorded> {
  const scalars: Recorded['scalars'] = {}
  const series: Recorded['series'] = {}
  const ctx: RunContext = {
    tf: undefined as any,
    runId: 'test',
    config,
    seed: config.seed,
    rng: createRng(config.seed),
    backend: 'cpu',
    log: (key, step, value) => void (scalars[key] ??= []).push({ step, value }),
    logSeries: (key, step, payload) => void (series[key] ??= []).push({ step, payload: JSON.parse(JSON.stringify(payload)) }),
    artifact: () => {},
    progress: () => {},
    aborted: false
  }
  return { scalars, series, summary: await runNeurashed(ctx) }
}

const template = (id: string) => {
  const t = neurashedTemplates.find((x) => x.id === `neurashed/${id}`)!
  const v = validateConfig('neurashed', t.config)
  expect(v.ok, JSON.stringify(v)).toBe(true)
  return structuredClone(t.config)
}

describe('runner', () => {
  test('every template validates', () => {
    expect(neurashedTemplates.map((t) => t.id)).toEqual([
      'neurashed/reference-model', 'neurashed/implicit-regularisation-small-batch', 'neurashed/implicit-regularisation-full-batch',
      'neurashed/information-bottleneck', 'neurashed/local-elasticity-5-2', 'neurashed/theorem-1', 'neurashed/theorem-2'
    ])
    for (const t of neurashedTemplates) expect(validateConfig('neurashed', t.config).ok, t.id).toBe(true)
  })

  test('reference model: logs the documented keys and series; an update on 1a moves 1b most, class 2 less, class 3 not at all', async () => {
    const config = template('reference-model')
    const r = await record(config)
    const steps = Array.from({ length: config.iterations / config.logEvery + 1 }, (_, k) => k * config.logEvery)
    for (const key of ['lambda/a1', 'lambda/c4', 'p_true/1a', 'p_true/3', 'p_true/mean', 'sparsity/entropy', 'sparsity/gini', 'sparsity/active', 'elasticity/ratio', 'elasticity/delta/1b']) {
      expect(r.scalars[key]?.map((p) => p.step), key).toEqual(steps)
    }
    expect(r.scalars['lambda/F1']).toBeUndefined() // class nodes carry no λ in the paper variant
    const g = r.series['neurashed/graph'][0].payload
    expect(g.graph.nodes).toHaveLength(config.graph.nodes.length)
    expect(g.pathways[0]).toEqual(['a1', 'a2', 'a3', 'b1', 'b2', 'c1', 'c2', 'F1'])
    const states = r.series['neurashed/state'].map((s) => s.payload as NeurashedStatePayload)
    expect(states.map((s) => s.step)).toEqual(steps)
    expect(states[0].lambda).toHaveLength(config.graph.nodes.length)
    expect(states[0].etaEdges).toContainEqual(['c1', 'F1'])
    expect(states.at(-1)!.pTrue.every((p) => p > 0.9)).toBe(true)
    const last = r.series['neurashed/deltaLogits'].at(-1)!.payload
    const d = Object.fromEntries(last.samples.map((s: string, i: number) => [s, last.delta[i]]))
    expect(d['1b']).toBeGreaterThan(d['2'])
    expect(d['2']).toBeGreaterThan(0)
    expect(d['3']).toBe(0)
    expect(r.summary.final['elasticity/ratio']).toBeCloseTo(d['1b'] / d['2'], 4)
    expect(r.summary.steps).toBe(config.iterations)
  })

  test('5/2 template: the ratio is 5/2 at every probe with equal counts', async () => {
    const r = await record(template('local-elasticity-5-2'))
    const ratios = r.scalars['elasticity/ratio']
    expect(ratios.length).toBeGreaterThan(5)
    for (const p of ratios) expect(p.value).toBeCloseTo(2.5, 10)
    expect(r.summary.final['elasticity/ratio']).toBeCloseTo(2.5, 10)
  })

  test('information bottleneck: level 2 I(T;X) 2 → 1 bit, level 1 3 → 2 bits, I(T;Y) = 1 bit (defaults)', async () => {
    const r = await record(template('information-bottleneck'))
    const f = r.summary.final
    expect(f['mi/level2/ix/start']).toBeCloseTo(2, 1)
    expect(f['mi/level2/ix/peak']).toBeCloseTo(2, 1)
    expect(f['mi/level2/ix/end']).toBeCloseTo(1, 1)
    expect(f['mi/level1/ix/start']).toBeCloseTo(3, 1)
    expect(f['mi/level1/ix/end']).toBeCloseTo(2, 1)
    for (const l of [1, 2]) {
      expect(f[`mi/level${l}/iy/start`]).toBeCloseTo(1, 1)
      expect(f[`mi/level${l}/iy/end`]).toBeCloseTo(1, 1)
    }
    expect(r.series['neurashed/mi'].at(-1)!.payload.levels.map((l: any) => l.level)).toEqual([1, 2])
  })

  test('implicit regularisation: batch 1 learns a sparser pathway than the full batch', async () => {
    const small = await record(template('implicit-regularisation-small-batch'))
    const full = await record(template('implicit-regularisation-full-batch'))
    const start = small.scalars['sparsity/entropy'][0].value
    expect(full.scalars['sparsity/entropy'][0].value).toBe(start)
    expect(small.summary.final['sparsity/entropy']).toBeLessThan(start - 1)
    expect(full.summary.final['sparsity/entropy']).toBeCloseTo(start, 6)
    expect(small.summary.final['sparsity/gini']).toBeGreaterThan(full.summary.final['sparsity/gini'] + 0.3)
  })

  test('theorem templates: ratio ≈ 2.5 at L = 4, and a depth sweep that grows', async () => {
    const t1 = await record(template('theorem-1'))
    expect(Math.abs(t1.summary.final['elasticity/ratio'] / 2.5 - 1)).toBeLessThan(0.05)
    const config = template('theorem-2')
    const t2 = await record(config)
    const ratio = t2.scalars['theorem/ratio']
    expect(ratio.map((p) => p.step)).toEqual(config.depthSweep.depths)
    for (let k = 1; k < ratio.length; k++) expect(ratio[k].value).toBeGreaterThan(ratio[k - 1].value)
    const exact = t2.scalars['theorem/exact']
    ratio.forEach((p, k) => expect(p.value).toBeCloseTo(exact[k].value, 6))
    expect(t2.series['neurashed/depthRatio'][0].payload.limit).toBe(2.5)
  })

  test('a graph problem fails the run with the validator\'s message', async () => {
    const config = template('reference-model')
    config.graph.samples[0].fires = ['a9']
    await expect(record(config)).rejects.toThrow(/the graph is not valid: sample "1a" \(1a\): its pathway fires no class node/)
  })
})

test('the reference graph validates without warnings', () => {
  expect(checkGraph(referenceGraph())).toMatchObject({ errors: [], warnings: [] })
})
