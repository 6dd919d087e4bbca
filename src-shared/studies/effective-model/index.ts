/**
 * Study `effective-model` (seed 004, Zou & Huang; spec `effective-model.md`): many binary-weight networks trained
 * by local reparametrisation on the top-20-PC MNIST input, one kept configuration per independent trial, stored
 * bit-packed in a weight collection (src-main/engine/store/weightCollections.ts) that later runs extend and reuse;
 * the maximum-entropy pairwise (Ising) model fitted to them by Boltzmann learning with dense belief propagation,
 * per sub-part (LB / ITR / RB and the full net; the shallow net's 200 spins), checked against pseudo-likelihood;
 * and the entropy landscape around reference configurations by tilted BP sweeps x = 3 → −3 → 3 with warm starts
 * (src-shared/ising/). Deep nets: connected weight space, an interior layer near the entropy bound, no hysteresis;
 * the shallow net: a shattered space, hysteresis and an entropy gap.
 */
import { z } from 'zod'
import { templateCard, type GalleryCard } from '../../gallery/cards'
import type { FieldMeta, Preset, StudyDescriptor, Template } from '../descriptor'
import { SCENARIOS } from '../../ising/binaryNet'
import { BUILTIN_MNIST_ID } from '../training/descriptor'

export const SCENARIO_KINDS = ['under', 'over', 'shallow'] as const
export type ScenarioKind = (typeof SCENARIO_KINDS)[number]

/** Seed 004's networks, training sets, epochs and acceptance thresholds (src-shared/ising/binaryNet.ts). */
export const SCENARIO_NETS = SCENARIOS

const scenarioSchema = z.strictObject({
  kind: z.enum(SCENARIO_KINDS),
  /** Independent trials (one kept network each when it passes the threshold). */
  trials: z.number().int().min(4).max(2_000_000),
  epochs: z.number().int().min(1).max(500),
  threshold: z.number().min(0).max(1)
})
export type ScenarioConfig = z.infer<typeof scenarioSchema>

export const effectiveModelConfigSchema = z
  .strictObject({
    dataset: z.strictObject({
      datasetId: z.string().min(1).max(100),
      components: z.number().int().min(2).max(100),
      testFraction: z.number().min(0.05).max(0.5)
    }),
    scenarios: z.array(scenarioSchema).min(1).max(3),
    training: z.strictObject({
      learningRate: z.number().gt(0).max(10),
      l2: z.number().min(0).max(1),
      theta0Std: z.number().min(0).max(5),
      samples: z.number().int().min(1).max(100)
    }),
    fit: z.strictObject({
      maxSteps: z.number().int().min(1).max(5000),
      tol: z.number().gt(0).max(1),
      etaJ: z.number().gt(0).max(1),
      etaH: z.number().gt(0).max(5),
      gamma: z.number().min(0).max(1),
      crossCheck: z.enum(['pseudo-likelihood', 'none'])
    }),
    landscape: z.strictObject({
      referencesPerClass: z.number().int().min(1).max(20),
      xMax: z.number().min(0.5).max(10),
      step: z.number().min(0.01).max(1)
    }),
    /** Worker threads for the trials; 0 = the run's share of the cores. */
    workers: z.number().int().min(0).max(16),
    seed: z.number().int().min(0).max(2 ** 31 - 1)
  })
  .superRefine((c, ctx) => {
    const kinds = c.scenarios.map((s) => s.kind)
    if (new Set(kinds).size !== kinds.length) ctx.addIssue({ code: 'custom', path: ['scenarios'], message: 'each scenario once' })
  })
export type EffectiveModelConfig = z.infer<typeof effectiveModelConfigSchema>

/** The paper's constants; epochs and trial counts sized so the default preset finishes in well under an hour on 2 cores. */
export const effectiveModelDefaults: EffectiveModelConfig = {
  dataset: { datasetId: BUILTIN_MNIST_ID, components: 20, testFraction: 0.2 },
  scenarios: [
    // CPU scale: 10 / 4 epochs instead of 50 and the built-in 10 000 digits instead of 60 000 images reach
    // ≈ 77–81 % (deep) and ≈ 70 % (shallow) test accuracy, so the thresholds sit 5 points under the paper's.
    { kind: 'under', trials: 500, epochs: 10, threshold: 0.75 },
    { kind: 'shallow', trials: 1000, epochs: 4, threshold: 0.65 }
  ],
  training: { learningRate: 0.3, l2: 1e-5, theta0Std: 0.1, samples: 10 },
  fit: { maxSteps: 300, tol: 0.01, etaJ: 0.01, etaH: 0.3, gamma: 1e-4, crossCheck: 'pseudo-likelihood' },
  landscape: { referencesPerClass: 2, xMax: 3, step: 0.05 },
  workers: 0,
  seed: 1
}

const PAPER_TRIALS: Record<ScenarioKind, number> = { under: 2_000_000, over: 1_000_000, shallow: 500_000 }
const paperScenario = (s: ScenarioConfig): ScenarioConfig => ({ ...s, trials: PAPER_TRIALS[s.kind], epochs: SCENARIOS[s.kind].epochs, threshold: SCENARIOS[s.kind].threshold })
const withScenarios = (scenarios: ScenarioConfig[], patch: Partial<EffectiveModelConfig> = {}): EffectiveModelConfig => ({ ...structuredClone(effectiveModelDefaults), scenarios, ...patch })

const under = effectiveModelDefaults.scenarios[0]
const shallow = effectiveModelDefaults.scenarios[1]
const over: ScenarioConfig = { kind: 'over', trials: 1500, epochs: 30, threshold: 0.65 }

const templates: Template<EffectiveModelConfig>[] = [
  {
    id: 'effective-model/entropy-landscape',
    studyId: 'effective-model',
    title: 'Entropy landscape of weight space',
    description: 'Seed 004 Figs 3–5: under-parametrised 20-15-15-10 binary nets, the Ising model of LB / ITR / RB and the full net, s(d) per sub-part against s_ub(d) and d(x) for both sweep directions — no hysteresis, ITR near the bound.',
    config: withScenarios([structuredClone(under)])
  },
  {
    id: 'effective-model/shallow-hysteresis',
    studyId: 'effective-model',
    title: 'Shallow network: hysteresis',
    description: 'Seed 004 Fig. 7: the shallow 20-10 net (200 spins): its landscape jumps on the way down and on the way back (first-order transition), with an entropy gap and nearly frozen weights.',
    config: withScenarios([structuredClone(shallow)])
  },
  {
    id: 'effective-model/under-vs-over',
    studyId: 'effective-model',
    title: 'Under- vs over-parametrised',
    description: 'Seed 004 Fig. 6: the same 20-15-15-10 net on all images and on the first 500 — the over-parametrised ITR sits further from the entropy bound.',
    config: withScenarios([structuredClone(under), structuredClone(over)])
  },
  {
    id: 'effective-model/fit',
    studyId: 'effective-model',
    title: 'The effective model: fit and cross-check',
    description: 'Seed 004 Fig. 2–3: connected correlations against the 1/√M noise floor, Boltzmann learning by belief propagation (Δ per step), model vs data moments on the identity line, J and h histograms, energy vs accuracy, and pseudo-likelihood as an independent estimate.',
    config: withScenarios([structuredClone(under)], { landscape: { referencesPerClass: 1, xMax: 3, step: 0.05 } })
  }
]

const fields: Record<string, FieldMeta> = {
  dataset: { label: 'Data', help: 'MNIST pixels in [0, 1], centred and projected on the top principal components (fitted on every row of the set, without labels).', group: 'Data' },
  'dataset.datasetId': { label: 'Dataset', help: 'The built-in 10 000 MNIST digits, or an imported MNIST-format set (Datasets → Import); seed 004 used all 60 000 training images.', group: 'Data', custom: true },
  'dataset.components': { label: 'Principal components', help: 'Network inputs (seed 004: 20, ≈ 64.5 % of the variance).', group: 'Data' },
  'dataset.testFraction': { label: 'Test fraction', help: 'Rows held out to measure each sampled network\'s accuracy.', group: 'Data' },
  scenarios: {
    label: 'Scenarios',
    help: 'JSON list of { kind, trials, epochs, threshold }: kind under (20-15-15-10, all images), over (the first 500 images) or shallow (20-10); trials independent (fresh θ₀ each; the paper: 2 000 000 / 1 000 000 / 500 000); epochs per trial (seed 004: 50 of 300 × 200 images, 25 × 20 over-parametrised); a trial keeps its best sampled network when its test accuracy reaches the threshold (seed 004: 0.8; 0.7 over-parametrised and shallow). A later run with the same sampling settings reuses and extends the stored collection.',
    group: 'Sampling'
  },
  training: { label: 'Training', help: 'Local reparametrisation: P(w = +1) = sigmoid(θ), sampled pre-activations, Adam.', group: 'Training' },
  'training.learningRate': { label: 'Learning rate', help: 'Adam (seed 004: 0.3).', group: 'Training' },
  'training.l2': { label: 'L2 on θ', help: 'Seed 004: 1e-5.', group: 'Training' },
  'training.theta0Std': { label: 'θ₀ std', help: 'θ₀ ~ N(0, σ²) (seed 004: 0.1).', group: 'Training' },
  'training.samples': { label: 'Networks sampled per trial', help: 'Binary nets drawn from the trained fields; the best on the test rows is kept (seed 004: 10).', group: 'Training' },
  fit: { label: 'Fit', help: 'Boltzmann learning of J and h with moments from belief propagation.', group: 'Fit' },
  'fit.maxSteps': { label: 'Learning steps', help: 'At most (seed 004: 300); the best Δ is kept.', group: 'Fit' },
  'fit.tol': { label: 'Stop at Δ', help: 'Fit error Δ = √(mean Δm² + mean ΔC²) (seed 004: 0.01).', group: 'Fit' },
  'fit.etaJ': { label: 'η_J', help: 'Seed 004: 0.01.', group: 'Fit' },
  'fit.etaH': { label: 'η_h', help: 'Seed 004: 0.3.', group: 'Fit' },
  'fit.gamma': { label: 'γ (J decay)', help: 'Seed 004: 1e-4.', group: 'Fit' },
  'fit.crossCheck': { label: 'Cross-check', help: 'A second, independent estimate of J and h by pseudo-likelihood, compared with the Boltzmann fit.', group: 'Fit', choices: { 'pseudo-likelihood': 'pseudo-likelihood', none: 'none' } },
  landscape: { label: 'Entropy landscape', help: 'Tilted BP sweeps x = xMax → −xMax → xMax, warm-started.', group: 'Landscape' },
  'landscape.referencesPerClass': { label: 'References per energy class', help: 'Reference configurations from the low-, medium- and high-energy regions (seed 004: 20 each).', group: 'Landscape' },
  'landscape.xMax': { label: 'x range', help: 'Seed 004: 3.', group: 'Landscape' },
  'landscape.step': { label: 'x step', help: 'Seed 004: 0.05 (241 values per direction).', group: 'Landscape' },
  workers: { label: 'Worker threads', help: 'Trials run in parallel on this many threads; 0 = the run\'s share of the cores.', group: 'Resources' },
  seed: { label: 'Seed', help: 'Trial t trains with a seed derived from this and t, so a collection is reproducible and resumable.', group: 'Resources' }
}

const presets: Preset<EffectiveModelConfig>[] = [
  { id: 'cpu', title: 'CPU-sized (default)', description: 'Under-parametrised (500 trials of 10 epochs, threshold 75 %) and shallow (1 000 trials of 4 epochs, 65 %) on the built-in digits: ≈ 30 min on 2 cores.', config: structuredClone(effectiveModelDefaults) },
  {
    id: 'paper',
    title: 'Paper scale',
    description: 'Seed 004\'s 2 000 000 under-parametrised and 500 000 shallow networks of 50 epochs, 20 references per class: years of CPU time here (≈ 20 s per under-parametrised network per core) — for a cluster, or to extend a collection bit by bit.',
    config: { ...structuredClone(effectiveModelDefaults), scenarios: effectiveModelDefaults.scenarios.map(paperScenario), landscape: { referencesPerClass: 20, xMax: 3, step: 0.05 } }
  }
]

const cards: GalleryCard[] = [
  templateCard(
    'effective-model',
    templates[0],
    {
      figure: 'Seed 004 Figs 3–5 (s(d) per sub-part, d(x))',
      expected: 'Under-parametrised ITR at x = 0: d 0.493, s 0.689 vs s_ub 0.693 (saturates the bound); LB 0.487 / 0.635, RB 0.477 / 0.626; no hysteresis.',
      cpu: '500 under-parametrised trials of 10 epochs (threshold 75 %) on the 10 000 built-in digits (20 PCs); sub-part fits; 2 references per energy class (≈ 20 min on 2 cores).',
      paper: '2 000 000 configurations of 50-epoch trials (≈ 18 s each per core here: ≈ 6 core-months), threshold 80 %, 20 references per class; the 1/√M noise floor is shown.'
    },
    { base: templates[0].config, patch: (c) => ((c.scenarios = c.scenarios.map(paperScenario)), (c.landscape.referencesPerClass = 20)) }
  ),
  templateCard(
    'effective-model',
    templates[1],
    {
      figure: 'Seed 004 Fig. 7 (shallow 20-10 landscape)',
      expected: 'Clear hysteresis: jumps near x ≈ −1.6 and x ≈ +1.4; d between ≈ 0.4 and ≈ 0.96 never reached; s(0) ≈ 0.17; mean |m| ≈ 0.85.',
      cpu: 'Shallow 20-10 (N = 200), 1 000 trials of 4 epochs (threshold 65 %), x from 3 to −3 and back (≈ 10 min on 2 cores).',
      paper: '500 000 configurations of 50-epoch trials, 20 references per energy class.'
    },
    { base: templates[1].config, patch: (c) => ((c.scenarios = c.scenarios.map(paperScenario)), (c.landscape.referencesPerClass = 20)) }
  ),
  templateCard(
    'effective-model',
    templates[2],
    {
      figure: 'Seed 004 Fig. 6 (under- vs over-parametrised)',
      expected: 'Over-parametrised ITR at x = 0: d 0.462, s 0.663 (s_ub 0.690) — further from the bound than under-parametrised (0.493 / 0.689).',
      cpu: '500 under-parametrised trials of 10 epochs and 1 500 over-parametrised trials of 30 epochs (500 images, 25 × 20 batches), thresholds 75 % / 65 %.',
      paper: '2 000 000 and 1 000 000 configurations of 50-epoch trials.'
    },
    { base: templates[2].config, patch: (c) => ((c.scenarios = c.scenarios.map(paperScenario)), (c.landscape.referencesPerClass = 20)) }
  ),
  templateCard(
    'effective-model',
    templates[3],
    {
      figure: 'Seed 004 Figs 2–3 (correlations, fit, J and h)',
      expected: 'Connected correlations mostly inside the ±1/√M noise floor at CPU scale (ITR ≈ 0.0065 needs M ≳ 10⁵); Δ falls below 0.01 within 300 steps; model and data moments on the identity line; low energy tends to high accuracy.',
      cpu: 'The entropy-landscape card\'s collection (reused when it is stored), one reference per class.',
      paper: '2 000 000 configurations of 50-epoch trials.'
    },
    { base: templates[3].config, patch: (c) => (c.scenarios = c.scenarios.map(paperScenario)) }
  )
]

/** Seed 004's landscape at x = 0 from low-energy references (spec `effective-model.md`), shown beside the lab's. */
export const PUBLISHED_LANDSCAPE: Record<string, { d?: number; s?: number; sUb?: number; jumpDown?: number; jumpUp?: number; text: string }> = {
  'under/ITR': { d: 0.493, s: 0.689, sUb: 0.693, text: 'd 0.493, s 0.689, s_ub 0.693; no hysteresis' },
  'under/LB': { d: 0.487, s: 0.635, text: 'd 0.487, s 0.635; no hysteresis' },
  'under/RB': { d: 0.477, s: 0.626, text: 'd 0.477, s 0.626; no hysteresis' },
  'over/ITR': { d: 0.462, s: 0.663, sUb: 0.69, text: 'd 0.462, s 0.663, s_ub 0.690' },
  'shallow/all': { s: 0.17, jumpDown: -1.6, jumpUp: 1.4, text: 'hysteresis: jumps near x ≈ −1.55…−1.75 and +1.3…+1.5; s(0) ≈ 0.17' }
}

/** Spins of a scenario's net. */
export function scenarioSpins(kind: ScenarioKind, inputs = 20): number {
  const sizes = [inputs, ...SCENARIO_NETS[kind].sizes.slice(1)]
  let n = 0
  for (let l = 0; l + 1 < sizes.length; l++) n += sizes[l] * sizes[l + 1]
  return n
}

export const effectiveModelStudy: StudyDescriptor<EffectiveModelConfig> = {
  id: 'effective-model',
  title: 'Effective (Ising) model of weight space',
  summary: 'Many binary-weight networks, one per independent trial, stored bit-packed; the pairwise maximum-entropy model fitted to them by belief propagation; the entropy landscape around reference solutions (tilted BP, both sweep directions): liquid-like deep nets, a shattered shallow one.',
  source: 'Zou & Huang, data-driven effective model of weight space (seed 004)',
  configSchema: effectiveModelConfigSchema,
  defaults: effectiveModelDefaults,
  templates,
  fields,
  presets,
  cards,
  estimate: (c) => {
    // Stored configurations read back for the moments (packed + one column copy), and the dense model of the
    // largest part: J, tanh J, C, two message matrices and the scratch of a sweep (≈ 8 N² doubles).
    const parts = c.scenarios.map((s) => {
      const n = scenarioSpins(s.kind, c.dataset.components)
      return { what: `the ${s.kind} collection and model`, bytes: s.trials * Math.ceil(n / 32) * 4 * 2 + 8 * n * n * 8 }
    })
    const bytes = parts.reduce((a, p) => a + p.bytes, 0)
    return { bytes, parts: parts.sort((a, b) => b.bytes - a.bytes), flops: 0, trainFlopsPerSample: 0 }
  },
  outputs: [
    { id: 'collected', kind: 'scalars', keys: ['sampling/*/accepted', 'sampling/*/trials'], title: 'Networks collected', help: 'Trials done and networks kept (above the accuracy threshold), per scenario, over the run\'s trials.' },
    { id: 'throughput', kind: 'scalars', keys: ['sampling/*/networks-per-hour'], title: 'Throughput', yLabel: 'networks / hour', help: 'Trials finished per hour on all worker threads, live.' },
    { id: 'sampling-table', kind: 'table', key: 'sampling/table', title: 'Collections', help: 'Each scenario\'s stored collection: trials, kept networks, mean accuracy, reused or new.' },
    { id: 'training', kind: 'curves', key: 'train/*/curve', title: 'Training curve', help: 'Mean over this run\'s trials of the training cross-entropy and the mean-field net\'s test accuracy, with the range.' },
    { id: 'correlations', kind: 'histogram', key: 'moments/*/*/correlations', title: 'Connected correlations', help: 'C_ij − m_i m_j over pairs; the ±1/√M noise floor of M configurations is marked (seed 004 Fig. 2).' },
    { id: 'magnetisations', kind: 'histogram', key: 'moments/*/*/magnetisations', title: 'Magnetisations m_i', help: 'Seed 004: shallow weights are nearly frozen (mean |m| ≈ 0.85).' },
    { id: 'fit-delta', kind: 'curves', key: 'fit/*/delta', title: 'Fit error Δ per learning step', help: 'Boltzmann learning with BP moments; the best Δ is kept (seed 004 stops at 0.01 or 300 steps).' },
    { id: 'fit-moments', kind: 'scatter', key: 'fit/*/*/moments', title: 'Model vs data moments', help: 'm_i and C_ij of the fitted model (BP) against the data, with the identity line.' },
    { id: 'fit-j', kind: 'histogram', key: 'fit/*/*/J-hist', title: 'Couplings J', help: 'Fitted couplings J_ij (i < j).' },
    { id: 'fit-h', kind: 'histogram', key: 'fit/*/*/h-hist', title: 'Fields h', help: 'Fitted fields h_i (seed 004: ITR biases peak near 0.25).' },
    { id: 'crosscheck', kind: 'table', key: 'fit/*/crosscheck', title: 'Cross-check: pseudo-likelihood', help: 'An independent estimate of the same model: its fit error under BP and the correlation of its J with the Boltzmann fit\'s.' },
    { id: 'energy', kind: 'scatter', key: 'energy/*/accuracy', title: 'Energy density vs test accuracy', help: 'Each collected network\'s energy per spin under the full-net model against its test accuracy, with binned mean ± std (seed 004: low energy tends to high accuracy).' },
    { id: 'd-x', kind: 'curves', key: 'landscape/*/*/d-x', title: 'Distance d(x), both sweep directions', help: 'Mean over references of d = (1 − q)/2 on the way down (x = 3 → −3) and back; a gap between them is hysteresis.' },
    { id: 's-d', kind: 'scatter', key: 'landscape/*/*/s-d', title: 'Entropy s(d) against the bound', help: 'Entropy per spin of the tilted model against the distance, both directions, with s_ub(d) = −d ln d − (1−d) ln(1−d).' },
    { id: 'landscape-table', kind: 'table', key: 'landscape/table', title: 'Landscape at x = 0 and hysteresis', help: 'd, s and s_ub at x = 0 per part and energy class, the jump positions, and seed 004\'s values beside them.' }
  ]
}
