/**
 * Study `neurashed` (spec neurashed.md; Su, seed 001 §2–3 and appendix; slides seed 002): build a feature
 * graph, train it with Algorithm 1, and watch amplification factors, predictions, sparsity, noisy mutual
 * information and local elasticity evolve. The model itself lives in src-shared/neurashed/.
 *
 * What the runner logs (src-main/engine/studies/neurashed):
 *  Scalars, at iteration 0, every `logEvery` iterations and at the end (step = iterations done):
 *   'lambda/<nodeId>'            λ of the first 50 nodes that have one (graph order)
 *   'p_true/<sampleId>'          p(true class) per sample type; 'p_true/mean'
 *   'sparsity/entropy' (bits), 'sparsity/gini', 'sparsity/active' (nodes with λ ≥ 0.1 · max λ)
 *   'mi/level<k>/ix', 'mi/level<k>/iy'   I(T;X), I(T;Y) in bits per level with λ (when mi.enabled)
 *   'elasticity/ratio'           ΔZ(near) / ΔZ(far) after one update on `probe.base` (when probe.enabled)
 *   'elasticity/delta/<sampleId>' the change of each sample type's true-class logit
 *   depth sweep only (step = depth L): 'theorem/ratio', 'theorem/exact' (closed form), 'theorem/limit'
 *  Series (payload types below):
 *   'neurashed/graph'       step 0: NeurashedGraphPayload (the graph that runs — generated graphs included)
 *   'neurashed/state'       every `stateEvery` iterations and at the end: NeurashedStatePayload
 *   'neurashed/deltaLogits' with every probe: NeurashedDeltaPayload
 *   'neurashed/mi'          with every MI measurement: NeurashedMiPayload (for the information plane)
 *   'neurashed/depthRatio'  depth sweep, at the end: NeurashedDepthPayload
 *  Summary `final`: the last value of every scalar plus the headline figures —
 *   'mi/level<k>/ix/start|peak|end', 'mi/level<k>/iy/start|end' (IB), 'elasticity/ratio' (elasticity templates),
 *   'theorem/ratio/L<depth>' (depth sweep), 'iterationsPerSecond'.
 */
import { z } from 'zod'
import { templateCard, type CardText, type GalleryCard } from '../../gallery/cards'
import type { FieldMeta, Preset, StudyDescriptor, Template } from '../descriptor'
import { neurashedGraphSchema, type NeurashedGraph } from '../neurashedGraph'
import { checkGraph } from '../../neurashed/compile'
import { fiveTwoGraph, IB_MINUS, IB_PLUS, implicitRegularisationGraph, informationBottleneckGraph, referenceGraph } from '../../neurashed/graphs'
import { theoremGraph } from '../../neurashed/theory'

/** Series 'neurashed/graph'. `pathways[s]` = node ids firing for sample type s, in level order. */
export interface NeurashedGraphPayload {
  graph: NeurashedGraph
  pathways: string[][]
  /** Class index per sample type (position among the level-L nodes in graph order). */
  labels: number[]
  warnings: string[]
}

/** Series 'neurashed/state'. Arrays are in graph node order / graph sample order / η edge order. */
export interface NeurashedStatePayload {
  step: number
  /** λ per node (class nodes: null in the paper variant); values past the float range are sent as 1.79e308. */
  lambda: (number | null)[]
  /** log₁₀ λ per node (null for λ = 0 or no λ): for log-scale node sizes however large λ grows. */
  log10Lambda: (number | null)[]
  /** η per class edge, in the order: class nodes in graph order, each one's dependents in edge order. */
  eta: number[]
  /** The η edges as [from node id, class node id], same order as `eta` (sent once, at step 0; [] afterwards). */
  etaEdges: [string, string][]
  pTrue: number[]
}

/** Series 'neurashed/deltaLogits'. */
export interface NeurashedDeltaPayload {
  step: number
  base: string
  near: string
  far: string
  /** Sample ids and the change of each one's true-class logit. */
  samples: string[]
  delta: number[]
  /** Change of every logit: rows = sample types, columns = classes. */
  all: number[][]
  ratio: number | null
}

/** Series 'neurashed/mi'. */
export interface NeurashedMiPayload {
  step: number
  levels: { level: number; ix: number; iy: number }[]
}

/** Series 'neurashed/depthRatio': Theorem 2, the measured and the closed-form ratio per depth. */
export interface NeurashedDepthPayload {
  depths: number[]
  ratio: (number | null)[]
  exact: number[]
  limit: number
}

export const NEURASHED_VARIANTS = ['paper', 'slides'] as const
export const INIT_KINDS = ['zero', 'constant', 'uniform'] as const
export const RULE_KINDS = ['mul', 'add'] as const

const ruleSchema = z.strictObject({ kind: z.enum(RULE_KINDS), value: z.number().min(-1e6).max(1e6) })
const initSchema = z
  .strictObject({ kind: z.enum(INIT_KINDS), value: z.number().min(0).max(1e6), lo: z.number().min(0).max(1e6), hi: z.number().min(0).max(1e6) })
  .refine((i) => i.kind !== 'uniform' || i.lo <= i.hi, { path: ['hi'], message: 'hi must be at least lo' })

export const neurashedConfigSchema = z
  .strictObject({
    graph: neurashedGraphSchema,
    /** 'theorem': the graph is generated (Theorem 1's random graph) and `graph` is not used. */
    generator: z.strictObject({
      kind: z.enum(['none', 'theorem']),
      m: z.number().int().min(2).max(100_000),
      b1: z.number().int().min(1).max(10_000),
      b2: z.number().int().min(1).max(10_000),
      levels: z.number().int().min(2).max(100),
      classes: z.number().int().min(2).max(1000)
    }),
    variant: z.enum(NEURASHED_VARIANTS),
    init: initSchema,
    etaInit: initSchema,
    plus: ruleSchema,
    minus: ruleSchema,
    etaPlus: ruleSchema,
    etaMinus: ruleSchema,
    etaRule: z.enum(['union', 'co-firing']),
    /** Piecewise-constant g⁺ / g⁻ by iteration: from `from` on, these replace `plus` / `minus`. */
    schedule: z.array(z.strictObject({ from: z.number().int().min(0).max(1e8), plus: ruleSchema, minus: ruleSchema })).max(100),
    batchSize: z.number().int().min(1).max(100_000),
    sampling: z.enum(['epochs', 'iid']),
    iterations: z.number().int().min(0).max(10_000_000),
    logEvery: z.number().int().min(1).max(10_000_000),
    stateEvery: z.number().int().min(1).max(10_000_000),
    mi: z.strictObject({
      enabled: z.boolean(),
      sigma: z.number().gt(0).max(1e6),
      representation: z.enum(['normalised', 'raw']),
      estimator: z.enum(['kde', 'binning']),
      bins: z.number().int().min(2).max(1000),
      draws: z.number().int().min(10).max(100_000)
    }),
    probe: z.strictObject({
      enabled: z.boolean(),
      /** Sample ids ('' = first sample / same as base / last sample of another class). */
      base: z.string().max(40),
      near: z.string().max(40),
      far: z.string().max(40)
    }),
    depthSweep: z.strictObject({ enabled: z.boolean(), depths: z.array(z.number().int().min(2).max(100)).min(1).max(50) }),
    seed: z.number().int().min(0).max(2 ** 31 - 1)
  })
  .superRefine((c, ctx) => {
    if (c.generator.kind === 'theorem') {
      if (c.generator.b1 + c.generator.classes * c.generator.b2 > c.generator.m)
        ctx.addIssue({ code: 'custom', path: ['generator', 'm'], message: `m must be at least b1 + classes · b2 = ${c.generator.b1 + c.generator.classes * c.generator.b2}` })
      return
    }
    const r = checkGraph(c.graph)
    for (const message of r.errors) ctx.addIssue({ code: 'custom', path: ['graph'], message })
    const ids = new Set(c.graph.samples.map((s) => s.id))
    for (const k of ['base', 'near', 'far'] as const) {
      const id = c.probe[k]
      if (c.probe.enabled && id && !ids.has(id)) ctx.addIssue({ code: 'custom', path: ['probe', k], message: `no sample type "${id}" in the graph` })
    }
  })

export type NeurashedConfig = z.infer<typeof neurashedConfigSchema>

const mul = (value: number) => ({ kind: 'mul' as const, value })
const add = (value: number) => ({ kind: 'add' as const, value })
const constant = (value: number) => ({ kind: 'constant' as const, value, lo: 0, hi: 0.01 })
const zero = { kind: 'zero' as const, value: 0, lo: 0, hi: 0.01 }

/** CPU preset = the reference model (Figs 1–2), local elasticity probed from 1a. */
export const neurashedDefaults: NeurashedConfig = {
  graph: referenceGraph(),
  generator: { kind: 'none', m: 200, b1: 2, b2: 3, levels: 4, classes: 3 },
  variant: 'paper',
  init: constant(1),
  etaInit: constant(1),
  plus: mul(1.02),
  minus: mul(1),
  etaPlus: mul(1.02),
  etaMinus: mul(1),
  etaRule: 'union',
  schedule: [],
  batchSize: 1,
  sampling: 'epochs',
  iterations: 400,
  logEvery: 10,
  stateEvery: 10,
  mi: { enabled: false, sigma: 0.05, representation: 'normalised', estimator: 'kde', bins: 30, draws: 200 },
  probe: { enabled: true, base: '1a', near: '1b', far: '2' },
  depthSweep: { enabled: false, depths: [2, 3, 4, 6, 8, 12, 16, 24, 32] },
  seed: 1
}

function configWith(patch: (c: NeurashedConfig) => void): NeurashedConfig {
  const c = structuredClone(neurashedDefaults)
  patch(c)
  return c
}

const theorem1 = (c: NeurashedConfig) => {
  c.generator = { kind: 'theorem', m: 200, b1: 2, b2: 3, levels: 4, classes: 3 }
  c.graph = theoremGraph(c.generator, c.seed)
  c.init = zero
  c.etaInit = constant(1)
  c.plus = add(2)
  c.minus = add(0)
  // Theorem 1's ΔZ has no η term: η is held at 1.
  c.etaPlus = add(0)
  c.etaMinus = add(0)
  c.iterations = 600
  c.logEvery = 30
  c.stateEvery = 30
  c.probe = { enabled: true, base: 'class1', near: 'class1', far: 'class2' }
}

/** Seed 001 Figs 3–4: the two-pathway graph with multiplicative ×1.05 / ×0.95 rules; only the batch size differs. */
function implicitRegularisation(batchSize: number): NeurashedConfig {
  return configWith((c) => {
    c.graph = implicitRegularisationGraph()
    c.plus = mul(1.05)
    c.minus = mul(0.95)
    c.etaPlus = mul(1.05)
    c.etaMinus = mul(0.95)
    c.batchSize = batchSize
    c.iterations = 200
    c.logEvery = 5
    c.stateEvery = 5
    c.probe = { enabled: false, base: '', near: '', far: '' }
  })
}

export const neurashedTemplates: Template<NeurashedConfig>[] = [
  {
    id: 'neurashed/reference-model',
    studyId: 'neurashed',
    title: 'Neurashed reference model',
    description: 'Seed 001, Figs 1–2: 4 levels, 3 classes, class 1 with two sample types 1a/1b. Trained with batch 1; after each logged iteration one extra update on 1a is applied and undone. Expected: the logit change is largest for 1b, smaller for class 2, zero for class 3 (ratio Δ1b / Δ2 > 1).',
    config: configWith(() => {})
  },
  {
    id: 'neurashed/implicit-regularisation-small-batch',
    studyId: 'neurashed',
    title: 'Implicit regularisation: batch 1',
    description: 'Seed 001, Figs 3–4: one class, two pathways sharing their middle nodes, batch size 1. Expected: the shared nodes outgrow the rest — a sparse pathway (low entropy, high Gini of the normalised λ).',
    config: implicitRegularisation(1)
  },
  {
    id: 'neurashed/implicit-regularisation-full-batch',
    studyId: 'neurashed',
    title: 'Implicit regularisation: full batch',
    description: 'The same graph and rules with the full batch (both pathways every iteration). Expected: every node grows alike — a dense pathway (entropy stays at its maximum, Gini at its start).',
    config: implicitRegularisation(2)
  },
  {
    id: 'neurashed/information-bottleneck',
    studyId: 'neurashed',
    title: 'Information bottleneck',
    description: 'Seed 001, Fig. 5 and appendix: 2 classes × 4 input types, λ ~ U(0, 0.01), g⁻ = 1.022^(−1/4)·λ, g⁺ = 1.022^(11/4)·λ (node 7: 1.022^(3/4)·λ); batch 4 from shuffled epochs; MI with noise σ = 0.05 on λ·1[fire] normalised per level (KDE bound). Expected: level 2 I(T;X) 2 → 1 bit, level 1 3 → 2 bits, I(T;Y) = 1 bit.',
    config: configWith((c) => {
      c.graph = informationBottleneckGraph()
      c.init = { kind: 'uniform', value: 0, lo: 0, hi: 0.01 }
      c.etaInit = { kind: 'uniform', value: 0, lo: 0, hi: 0.01 }
      c.plus = mul(IB_PLUS.factor)
      c.minus = mul(IB_MINUS.factor)
      c.etaPlus = { ...c.plus }
      c.etaMinus = { ...c.minus }
      c.batchSize = 4
      c.iterations = 1500
      c.logEvery = 10
      c.stateEvery = 10
      c.mi.enabled = true
      c.probe = { enabled: false, base: '', near: '', far: '' }
    })
  },
  {
    id: 'neurashed/local-elasticity-5-2',
    studyId: 'neurashed',
    title: 'Neurashed implies local elasticity: 5/2',
    description: 'Slides: tiger, cat and plane; tiger and cat share 5 features, all three share 2. Additive g⁺(x) = x + 1, g⁻ = identity, λ = η = 0 at the start, batch 1 from shuffled epochs (equal counts at every logged step). Expected: after one update on a tiger, Δ(cat logit) / Δ(plane logit) = 5/2 exactly.',
    config: configWith((c) => {
      c.graph = fiveTwoGraph()
      c.init = zero
      c.etaInit = zero
      c.plus = add(1)
      c.minus = add(0)
      c.etaPlus = add(1)
      c.etaMinus = add(0)
      c.iterations = 30
      c.logEvery = 3
      c.stateEvery = 3
      c.probe = { enabled: true, base: 'tiger', near: 'cat', far: 'plane' }
    })
  },
  {
    id: 'neurashed/theorem-1',
    studyId: 'neurashed',
    title: 'Theorem 1: Δlogit ratio → (b1 + b2)/b1',
    description: 'Seed 001 appendix: m = 200 nodes per level, b1 = 2 shared, b2 = 3 per class, 3 classes, L = 4; g⁺(x) = x + 2, g⁻ = identity, λ₀ = 0, η held at 1; 200 updates per class. Expected: after one update on class 1, ΔZ₁ / ΔZ₂ ≈ (b1 + b2)/b1 = 2.5.',
    config: configWith(theorem1)
  },
  {
    id: 'neurashed/theorem-2',
    studyId: 'neurashed',
    title: 'Theorem 2: the ratio grows with depth',
    description: 'Seed 001 appendix: Theorem 1\'s graph and rules at depths L = 2 … 32 with few updates (2 per class). Expected: the ratio starts at (b1 + b2)/b1 = 2.5 for L = 2 and grows without bound with depth; the closed form is logged beside it.',
    config: configWith((c) => {
      theorem1(c)
      c.iterations = 6
      c.logEvery = 6
      c.stateEvery = 6
      c.depthSweep = { enabled: true, depths: [2, 3, 4, 6, 8, 12, 16, 24, 32] }
    })
  }
]

const ruleHelp = (what: string) => `${what}: multiplicative x ↦ a·x or additive x ↦ x + c (seed 001 §2: g⁺(x) > x, 0 ≤ g⁻(x) ≤ x). Nodes may override it in the graph.`
const notGenerated = { path: 'generator.kind', in: ['none'] }
const generated = { path: 'generator.kind', in: ['theorem'] }
const uniform = (path: string) => ({ path, in: ['uniform'] })
const ruleKinds = { mul: 'multiply (a·x)', add: 'add (x + c)' }

export const neurashedFields: Record<string, FieldMeta> = {
  graph: { label: 'Graph', help: 'Levels of feature nodes, their firing rules and edges, and the sample types given by their level-1 firing sets (seed 001 §2, Figs 1–2).', group: 'Graph', custom: true, when: notGenerated },
  generator: { label: 'Random graph', help: 'Theorem 1\'s random graph instead of the drawn one.', group: 'Graph' },
  'generator.kind': { label: 'Graph source', help: 'The graph drawn in the editor, or Theorem 1\'s random graph (seed 001 appendix).', group: 'Graph', choices: { none: 'the graph above', theorem: 'Theorem 1 random graph' } },
  'generator.m': { label: 'Nodes per level (m)', help: 'm nodes on every level below the classes; the chosen ones are disjoint (the theorem\'s large-m regime).', group: 'Graph', when: generated },
  'generator.b1': { label: 'Shared nodes (b1)', help: 'Nodes per level on every class\'s pathway.', group: 'Graph', when: generated },
  'generator.b2': { label: 'Nodes per class (b2)', help: 'Nodes per level on one class\'s pathway only.', group: 'Graph', when: generated },
  'generator.levels': { label: 'Levels (L)', help: 'Levels including the class level.', group: 'Graph', when: generated },
  'generator.classes': { label: 'Classes', help: 'Number of classes; one sample type each.', group: 'Graph', when: generated },
  variant: { label: 'Prediction', help: 'Eq. 2.1 of seed 001 (level-1 score λ, η on class edges) or the slides\' variant (level-1 value 1/0, λ on every node including the classes, no η).', group: 'Model', choices: { paper: 'paper (eq. 2.1, η)', slides: 'slides (λ on class nodes, no η)' } },
  init: { label: 'Initial λ', help: 'Zero, a constant, or i.i.d. uniform (the IB experiment: U(0, 0.01)). Per-node λ₀ in the graph wins.', group: 'Model' },
  'init.kind': { label: 'Initial λ', help: 'Zero, a constant, or i.i.d. uniform on (lo, hi) — seed 001 §2.', group: 'Model', choices: { zero: 'zero', constant: 'constant', uniform: 'uniform' } },
  'init.value': { label: 'λ₀', help: 'The constant initial λ.', group: 'Model', when: { path: 'init.kind', in: ['constant'] } },
  'init.lo': { label: 'λ₀ from', help: 'Lower end of the uniform initial λ.', group: 'Model', when: uniform('init.kind') },
  'init.hi': { label: 'λ₀ to', help: 'Upper end of the uniform initial λ.', group: 'Model', when: uniform('init.kind') },
  etaInit: { label: 'Initial η', help: 'Initial weights of the class edges.', group: 'Model' },
  'etaInit.kind': { label: 'Initial η', help: 'Zero, a constant, or i.i.d. uniform on (lo, hi).', group: 'Model', choices: { zero: 'zero', constant: 'constant', uniform: 'uniform' } },
  'etaInit.value': { label: 'η₀', help: 'The constant initial η.', group: 'Model', when: { path: 'etaInit.kind', in: ['constant'] } },
  'etaInit.lo': { label: 'η₀ from', help: 'Lower end of the uniform initial η.', group: 'Model', when: uniform('etaInit.kind') },
  'etaInit.hi': { label: 'η₀ to', help: 'Upper end of the uniform initial η.', group: 'Model', when: uniform('etaInit.kind') },
  plus: { label: 'g⁺', help: ruleHelp('g⁺, applied to λ of nodes on the batch\'s pathways'), group: 'Update rules' },
  'plus.kind': { label: 'g⁺', help: ruleHelp('g⁺'), group: 'Update rules', choices: ruleKinds },
  'plus.value': { label: 'g⁺ a or c', help: 'The factor a (> 1) or the increment c (> 0) of g⁺.', group: 'Update rules' },
  minus: { label: 'g⁻', help: ruleHelp('g⁻, applied to λ of the other nodes'), group: 'Update rules' },
  'minus.kind': { label: 'g⁻', help: ruleHelp('g⁻'), group: 'Update rules', choices: ruleKinds },
  'minus.value': { label: 'g⁻ b or c', help: 'The factor b (0 < b ≤ 1) or the amount c (≤ 0) of g⁻; ×1 or +0 is the identity.', group: 'Update rules' },
  etaPlus: { label: 'η g⁺', help: 'The rule for η when its edge counts as firing (see η rule).', group: 'Update rules' },
  'etaPlus.kind': { label: 'η g⁺', help: 'Multiplicative or additive.', group: 'Update rules', choices: ruleKinds },
  'etaPlus.value': { label: 'η g⁺ a or c', help: 'Factor or increment; ×1 / +0 holds η fixed.', group: 'Update rules' },
  etaMinus: { label: 'η g⁻', help: 'The rule for η otherwise.', group: 'Update rules' },
  'etaMinus.kind': { label: 'η g⁻', help: 'Multiplicative or additive.', group: 'Update rules', choices: ruleKinds },
  'etaMinus.value': { label: 'η g⁻ b or c', help: 'Factor or amount; ×1 / +0 is the identity.', group: 'Update rules' },
  etaRule: { label: 'η rule', help: 'Seed 001 §2: g⁺ when "f and F both fire" — read literally, both in the union G of the batch\'s pathways; or only when they fire for the same sample of the batch.', group: 'Update rules', choices: { union: 'both in the batch union G', 'co-firing': 'co-fire in one sample' } },
  schedule: { label: 'Schedule', help: 'Piecewise-constant rules: from iteration `from` on, `plus` / `minus` replace g⁺ / g⁻ (seed 001: rules may vary with the iteration).', group: 'Update rules', custom: true },
  batchSize: { label: 'Batch size', help: 'Sample types per iteration; G is the union of their pathways. 1 = the small-batch extreme; the number of types with shuffled epochs = full batch.', unit: 'samples', group: 'Training' },
  sampling: { label: 'Sampling', help: 'Shuffled epochs (every type its weight\'s number of times per epoch) or i.i.d. draws ∝ weight. Spec: shuffled epochs reproduce the IB endpoints; i.i.d. can break the class symmetry.', group: 'Training', choices: { epochs: 'shuffled epochs', iid: 'i.i.d. with replacement' } },
  iterations: { label: 'Iterations', help: 'Algorithm 1 iterations (one batch each).', group: 'Training' },
  logEvery: { label: 'Log every', help: 'Scalars, MI and the elasticity probe every N iterations (and at 0 and the end).', unit: 'iterations', group: 'Logging' },
  stateEvery: { label: 'Animation state every', help: 'The full state (λ, η, p_true) for the animated graph every N iterations.', unit: 'iterations', group: 'Logging' },
  mi: { label: 'Mutual information', help: 'Noisy MI between each level\'s representation and the input type / label (seed 001 Fig. 5; Shwartz-Ziv & Tishby 2017).', group: 'Mutual information' },
  'mi.enabled': { label: 'Measure MI', help: 'I(T;X) and I(T;Y) per level at every log step.', group: 'Mutual information' },
  'mi.sigma': { label: 'Noise σ', help: 'Standard deviation of the Gaussian noise added to the representation (in its units: the level\'s largest λ = 1 when normalised). Not given by the paper.', group: 'Mutual information', when: { path: 'mi.enabled', in: [true] } },
  'mi.representation': { label: 'Representation', help: 'λ_F·1[F fires] divided by the level\'s largest λ (reproduces the published endpoints) or the raw score S_F (keeps too much information).', group: 'Mutual information', choices: { normalised: 'λ·1[fire], normalised per level', raw: 'raw score S_F' }, when: { path: 'mi.enabled', in: [true] } },
  'mi.estimator': { label: 'Estimator', help: 'KDE: the pairwise-distance upper bound for a Gaussian mixture (Kolchinsky & Tracey 2017), deterministic. Binning: noisy draws, equal bins per coordinate, plug-in entropies (Shwartz-Ziv & Tishby 2017).', group: 'Mutual information', choices: { kde: 'KDE upper bound', binning: 'binning of noisy draws' }, when: { path: 'mi.enabled', in: [true] } },
  'mi.bins': { label: 'Bins', help: 'Bins per coordinate (binning estimator).', group: 'Mutual information', when: { path: 'mi.estimator', in: ['binning'] } },
  'mi.draws': { label: 'Draws per type', help: 'Noisy draws per input type (binning estimator).', group: 'Mutual information', when: { path: 'mi.estimator', in: ['binning'] } },
  probe: { label: 'Local elasticity probe', help: 'One extra update on the base sample, the change of every sample type\'s true-class logit, then undone (seed 001 §3.3; slides).', group: 'Elasticity' },
  'probe.enabled': { label: 'Probe', help: 'Measure Δlogits at every log step.', group: 'Elasticity' },
  'probe.base': { label: 'Base sample', help: 'The sample type the extra update uses (id; empty = the first).', group: 'Elasticity', when: { path: 'probe.enabled', in: [true] } },
  'probe.near': { label: 'Near sample', help: 'Numerator of the ratio (id; empty = the base itself).', group: 'Elasticity', when: { path: 'probe.enabled', in: [true] } },
  'probe.far': { label: 'Far sample', help: 'Denominator of the ratio (id; empty = the last sample type of another class).', group: 'Elasticity', when: { path: 'probe.enabled', in: [true] } },
  depthSweep: { label: 'Depth sweep', help: 'Theorem 2: the probe ratio at the end of training for each depth L (random graph only).', group: 'Elasticity' },
  'depthSweep.enabled': { label: 'Sweep depth', help: 'Train Theorem 1\'s graph at each depth and log the ratio vs L (seed 001 appendix, Theorem 2).', group: 'Elasticity', when: generated },
  'depthSweep.depths': { label: 'Depths', help: 'The depths L to train.', group: 'Elasticity', custom: true, when: { path: 'depthSweep.enabled', in: [true] } },
  seed: { label: 'Seed', help: 'Seeds the initial values, the batch order, the MI draws and the random graph.', group: 'Training' }
}

export const neurashedPresets: Preset<NeurashedConfig>[] = [
  { id: 'cpu', title: 'CPU-sized (default)', description: 'The reference model, 400 iterations of batch 1, elasticity probed from 1a every 10 iterations: well under a second.', config: structuredClone(neurashedDefaults) },
  {
    id: 'paper',
    title: 'Paper scale',
    description: 'The same model trained 4 000 iterations (the model is tiny; the paper gives no iteration counts).',
    config: configWith((c) => {
      c.iterations = 4000
      c.logEvery = 50
      c.stateEvery = 50
    })
  }
]

const descriptor: StudyDescriptor<NeurashedConfig> = {
  id: 'neurashed',
  title: 'Neurashed',
  summary: 'A phenomenological graphical model of training: feature graphs with amplification factors, trained by Algorithm 1; sparsity, noisy mutual information and local elasticity along training.',
  source: 'Su, "Neurashed: a phenomenological model for imitating deep learning training" (seed 001 §2–3, appendix; slides seed 002)',
  configSchema: neurashedConfigSchema,
  defaults: neurashedDefaults,
  templates: neurashedTemplates,
  fields: neurashedFields,
  presets: neurashedPresets,
  outputs: [
    { id: 'model', kind: 'custom', panel: 'neurashed', title: 'The feature graph over training', keys: ['**'] }
  ]
}

/** A neurashed card: the CPU preset is the template; the paper preset trains longer (IB: measured every iteration; Theorem 2: deeper). */
function neurashedCard(templateId: string, card: CardText): GalleryCard {
  const t = neurashedTemplates.find((x) => x.id === templateId)
  if (!t) throw new Error(`gallery: no template ${templateId}`)
  return templateCard<NeurashedConfig>('neurashed', t, card, {
    patch: (c) => {
      if (c.depthSweep.enabled) c.depthSweep.depths = [2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64]
      else if (c.mi.enabled) {
        // IB: the same training measured at every iteration (longer training drifts: see the card).
        c.logEvery = 1
        c.stateEvery = 5
      } else {
        // Longer training, logged as often as before in number of points.
        c.iterations *= 10
        c.logEvery *= 10
        c.stateEvery *= 10
        if (c.generator.kind === 'theorem') c.generator.m = 2000
      }
    }
  })
}

export const neurashedCards: GalleryCard[] = [
  neurashedCard('neurashed/reference-model', {
    figure: 'Seed 001, Figs 1–2',
    expected: 'An update on class 1a changes 1b most, class 2 less, class 3 not at all (local elasticity): Δ1b / Δ2 > 1, Δ3 = 0.',
    cpu: '4 levels, 3 classes (class 1 with subtypes 1a/1b), g⁺ ×1.02, g⁻ identity, batch 1, 400 iterations, probe from 1a.',
    paper: 'Same model, 4 000 iterations.'
  }),
  neurashedCard('neurashed/implicit-regularisation-small-batch', {
    figure: 'Seed 001, Figs 3–4 (batch 1)',
    expected: 'Batch size 1 learns a sparse pathway: the shared nodes grow fastest (entropy of normalised λ falls, Gini rises).',
    cpu: 'One class, two pathways sharing nodes; g⁺ ×1.05, g⁻ ×0.95, batch 1, 200 iterations.',
    paper: 'Same, 2 000 iterations.'
  }),
  neurashedCard('neurashed/implicit-regularisation-full-batch', {
    figure: 'Seed 001, Figs 3–4 (full batch)',
    expected: 'The full batch learns a dense pathway: every node grows alike (entropy stays at its maximum).',
    cpu: 'The same graph and rules, batch 2 (both pathways), 200 iterations.',
    paper: 'Same, 2 000 iterations.'
  }),
  neurashedCard('neurashed/information-bottleneck', {
    figure: 'Seed 001, Fig. 5 and appendix',
    expected: 'Level 2: I(T;X) ≈ 2 bits early, then → 1 bit; I(T;Y) stays 1 bit (slides: bottom level 3 → 2 bits).',
    cpu: '2 classes × 4 input types, λ ~ U(0, 0.01), the appendix\'s g⁺/g⁻, batch 4 from shuffled epochs, 1 500 iterations, MI with σ = 0.05 (KDE).',
    paper: 'Same model and training with MI measured at every iteration. Far longer training drifts (the two classes\' λ ratio random-walks until one class falls below the noise at level 1).'
  }),
  neurashedCard('neurashed/local-elasticity-5-2', {
    source: 'Su, neurashed slides ("Neurashed implies local elasticity")',
    figure: 'Slides: tiger / cat / plane, ratio 5/2',
    expected: 'ΔC2 / ΔC3 = 5/2 exactly after one update on C1 (additive updates, equal counts).',
    cpu: 'Tiger, cat, plane; additive g⁺ +1, g⁻ identity, λ = η = 0, batch 1, 30 iterations.',
    paper: 'Same, 300 iterations.'
  }),
  neurashedCard('neurashed/theorem-1', {
    source: 'Su, seed 001 appendix (Theorem 1)',
    figure: 'Theorem 1',
    expected: 'ΔZ_j / ΔZ_j′ → (b1 + b2)/b1 = 2.5 for b1 = 2, b2 = 3.',
    cpu: 'm = 200, b1 = 2, b2 = 3, 3 classes, L = 4; g⁺ x + 2, g⁻ identity, η fixed; 600 iterations.',
    paper: 'm = 2 000, 6 000 iterations.'
  }),
  neurashedCard('neurashed/theorem-2', {
    source: 'Su, seed 001 appendix (Theorem 2)',
    figure: 'Theorem 2, ratio vs depth',
    expected: 'The ratio grows without bound with depth (2.5 at L = 2).',
    cpu: 'Theorem 1\'s graph at depths 2 … 32, 2 updates per class each.',
    paper: 'Depths 2 … 64.'
  })
]

export const neurashedStudy: StudyDescriptor<NeurashedConfig> = { ...descriptor, cards: neurashedCards }
