/**
 * Study `elasticity-manifold`: local elasticity on the slides' toy manifolds (He & Su, ICLR 2020; spec
 * `local-elasticity.md`, experiment 1). A neural net and its linear twin (same widths, linear activation, same
 * initial weights, same data order and optimiser) are trained side by side on a double helix or two folded
 * boxes; along training both are probed with the exact S_rel from a fixed set of base points to every point.
 * What is logged is described in `elasticityPayloads.ts`.
 */
import { z } from 'zod'
import { templateCard, type GalleryCard } from '../../gallery/cards'
import { probesSchema } from '../../probes'
import { optimizerFields, optimizerSchema, upgradeOptimizer } from '../../training/optimizer'
import type { FieldMeta, Preset, StudyDescriptor, Template } from '../descriptor'

export const MANIFOLD_GENERATORS = ['double-helix', 'folded-boxes'] as const
export const MANIFOLD_ACTIVATIONS = ['relu', 'tanh'] as const
export const ELASTICITY_LOSSES = ['mse', 'softmax-cross-entropy'] as const

/** Points of both manifolds together (half each). Ranges follow the dataset library's generators. */
const n = z.number().int().min(20).max(20_000)
const noise = z.number().min(0).max(1)

export const manifoldDatasetSchema = z.discriminatedUnion('generator', [
  /** Turns of each strand. */
  z.strictObject({ generator: z.literal('double-helix'), n, noise, turns: z.number().min(0.1).max(50) }),
  /** Distance between the boxes, their thickness and the fold angle. */
  z.strictObject({ generator: z.literal('folded-boxes'), n, noise, gap: z.number().min(0).max(10), thickness: z.number().min(0).max(10), foldAngle: z.number().min(0).max(180) })
])

export const MANIFOLD_VARIANTS = {
  'double-helix': { generator: 'double-helix', n: 1000, noise: 0, turns: 2 },
  'folded-boxes': { generator: 'folded-boxes', n: 1000, noise: 0, gap: 0.2, thickness: 0.05, foldAngle: 150 }
} as const

export const elasticityManifoldConfigSchema = z
  .strictObject({
    dataset: manifoldDatasetSchema,
    network: z.strictObject({
      /** Hidden widths; [64] = the slides' two-layer net, [64, 64] = three-layer. */
      hidden: z.array(z.number().int().min(1).max(1024)).min(1).max(8),
      activation: z.enum(MANIFOLD_ACTIVATIONS)
    }),
    /** mse: one output fitted to ±1 (LE = S_rel); softmax-cross-entropy: two logits (LE on the logits). */
    loss: z.enum(ELASTICITY_LOSSES),
    optimizer: optimizerSchema,
    batchSize: z.number().int().min(1).max(4096),
    epochs: z.number().int().min(1).max(100_000),
    probe: z.strictObject({
      /** Probe both nets every N epochs (and at epoch 0 and the end). */
      every: z.number().int().min(1).max(100_000),
      /** Base points (a fixed seeded subset, half per manifold); 0 = every point. */
      basePoints: z.number().int().min(0).max(20_000),
      /** SGD step γ of the probe (tripled while a step changes f(x) by less than float precision). */
      gamma: z.number().gt(0).max(10),
      /** Neighbours in the locality index: mean LE to the k nearest same-manifold points ÷ mean LE to the rest. */
      k: z.number().int().min(1).max(1000),
      /** Also the first-order kernel S_ker (per-example gradients of every point: slower). */
      kernel: z.boolean()
    }),
    seed: z.number().int().min(0).max(2 ** 31 - 1),
    /** Probes on both nets (keys carry the net: `gradient-rms/neural/dense1`). */
    probes: probesSchema.optional()
  })
  .refine((c) => c.probe.basePoints <= c.dataset.n, { path: ['probe', 'basePoints'], message: 'at most the number of points' })
  .refine((c) => c.probe.k < Math.floor(c.dataset.n / 2), { path: ['probe', 'k'], message: 'k must be smaller than the points per manifold (n / 2)' })

export type ElasticityManifoldConfig = z.infer<typeof elasticityManifoldConfigSchema>

/** CPU preset: the double helix, two-layer ReLU net vs its linear twin (measured: see the gallery card). */
export const elasticityManifoldDefaults: ElasticityManifoldConfig = {
  dataset: { generator: 'double-helix', n: 1000, noise: 0, turns: 2 },
  network: { hidden: [64], activation: 'relu' },
  loss: 'mse',
  // Plain SGD, so the locality's growth is spread over the run rather than over its first few epochs.
  optimizer: { kind: 'sgd', learningRate: 0.1, momentum: 0 },
  batchSize: 32,
  epochs: 200,
  probe: { every: 10, basePoints: 40, gamma: 0.01, k: 10, kernel: false },
  seed: 1
}

function configWith(patch: (c: ElasticityManifoldConfig) => void): ElasticityManifoldConfig {
  const c = structuredClone(elasticityManifoldDefaults)
  patch(c)
  return c
}

/** The folded boxes at CPU scale: three-layer nets. */
const foldedBoxes = (c: ElasticityManifoldConfig) => {
  c.dataset = { ...MANIFOLD_VARIANTS['folded-boxes'], n: c.dataset.n }
  c.network.hidden = [64, 64]
}

export const elasticityManifoldTemplates: Template<ElasticityManifoldConfig>[] = [
  {
    id: 'elasticity-manifold/double-helix',
    studyId: 'elasticity-manifold',
    title: 'Local elasticity: double helix',
    description: 'Slides "toy manifolds": a two-layer ReLU net and its two-layer linear twin fit the double helix (±1 targets, MSE); S_rel from 40 base points to every point along training. Expected: the neural net becomes locally elastic (locality index clearly above 1 and above the linear net\'s).',
    config: configWith(() => {})
  },
  {
    id: 'elasticity-manifold/folded-boxes',
    studyId: 'elasticity-manifold',
    title: 'Local elasticity: folded boxes',
    description: 'Slides "toy manifolds": three-layer ReLU net vs three-layer linear net on two folded boxes (the classes interleave across the fold). Expected: the neural net is locally elastic, the linear one is not.',
    config: configWith(foldedBoxes)
  }
]

export const elasticityManifoldFields: Record<string, FieldMeta> = {
  dataset: { label: 'Data', help: 'The toy manifold both nets fit (the dataset library\'s generators, same seeded code).', group: 'Data' },
  'dataset.generator': {
    label: 'Manifold',
    help: 'Two interleaved helices (fit by two-layer nets) or two thin boxes folded together (three-layer nets) — He & Su, ICLR 2020 slides, "toy manifolds".',
    group: 'Data',
    choices: { 'double-helix': 'double helix (3-D)', 'folded-boxes': 'folded boxes (3-D)' },
    variants: MANIFOLD_VARIANTS
  },
  'dataset.n': { label: 'Points (n)', help: 'Points of both manifolds together, half each; every point is a test point of the probe.', unit: 'points', group: 'Data' },
  'dataset.noise': { label: 'Noise', help: 'Gaussian noise added to the positions.', group: 'Data', step: 0.01 },
  'dataset.turns': { label: 'Turns', help: 'Turns of each strand of the helix (slides: two).', group: 'Data', step: 0.5 },
  'dataset.gap': { label: 'Gap', help: 'Distance between the two boxes before folding.', group: 'Data', step: 0.05 },
  'dataset.thickness': { label: 'Thickness', help: 'Thickness of each box.', group: 'Data', step: 0.01 },
  'dataset.foldAngle': { label: 'Fold angle', help: 'How far the left halves are folded up (180° = the classes interleave in four layers).', unit: '°', group: 'Data', step: 5 },
  network: { label: 'Network', help: 'The neural net; its linear twin has the same widths with linear activations and the same initial weights.', group: 'Network' },
  'network.hidden': { label: 'Hidden widths', help: 'Units per hidden layer: [64] is the slides\' two-layer net (double helix), [64, 64] the three-layer net (folded boxes).', group: 'Network' },
  'network.activation': { label: 'Activation', help: 'Activation of the neural net (the twin uses none). He & Su, ICLR 2020: ReLU.', group: 'Network', choices: { relu: 'ReLU', tanh: 'tanh' } },
  loss: {
    label: 'Loss',
    help: 'Squared error of one output against ±1 labels, so LE is the slides\' S_rel; or softmax cross-entropy on two logits, LE = ‖Δz(x′)‖/‖Δz(x)‖ (seed 001, eq. 3.1).',
    group: 'Training',
    choices: { mse: 'squared error, one output (S_rel)', 'softmax-cross-entropy': 'softmax cross-entropy, two logits' }
  },
  ...optimizerFields('optimizer', 'Training', { learningRate: 'Step size of training, the same for both nets (the probe has its own γ).' }),
  batchSize: { label: 'Batch size', help: 'Examples per training step (both nets see the same batches).', unit: 'examples', group: 'Training' },
  epochs: { label: 'Epochs', help: 'Passes over the points. The locality "kicks in in the late phase of training" (He & Su, slides), so train long enough.', group: 'Training' },
  probe: { label: 'Elasticity probe', help: 'Exact S_rel / LE from the base points to every point: one SGD step on the base point, all points re-predicted in one batched pass, weights restored.', group: 'Probe' },
  'probe.every': { label: 'Probe every N epochs', help: 'Both nets are probed at epoch 0, every N epochs and at the end.', unit: 'epochs', group: 'Probe' },
  'probe.basePoints': { label: 'Base points', help: 'A fixed seeded set of base points, half per manifold; 0 = every point (n × n matrix; slow).', unit: 'points', group: 'Probe' },
  'probe.gamma': { label: 'Probe step γ', help: 'Step size of the probe\'s SGD step; tripled while the step changes f(x) by less than float precision (the reference code\'s rule), the γ used is logged.', group: 'Probe' },
  'probe.k': { label: 'Locality neighbours (k)', help: 'Locality index: mean LE to the k nearest points of the same manifold ÷ mean LE to the other points. > 1 = locally elastic.', group: 'Probe' },
  'probe.kernel': { label: 'First-order kernel S_ker', help: 'Also compute S_ker ≈ ⟨∂f(x′)/∂w, ∂f(x)/∂w⟩ (the NTK at the current weights) from per-example gradients of every point.', group: 'Probe' },
  seed: { label: 'Seed', help: 'Seeds the data, the shared initial weights, the batch order and the base points.', group: 'Training' }
}

function preset(id: string, title: string, description: string, patch: (c: ElasticityManifoldConfig) => void): Preset<ElasticityManifoldConfig> {
  return { id, title, description, config: configWith(patch) }
}

export const elasticityManifoldPresets: Preset<ElasticityManifoldConfig>[] = [
  preset('cpu', 'CPU-sized (default)', 'Double helix, 1 000 points, 64-unit ReLU vs linear, plain SGD (LR 0.1, batch 32), 200 epochs, S_rel from 40 base points every 10 epochs.', () => {}),
  preset('paper', 'Paper scale (slides)', 'Double helix, 2 000 points, 256-unit ReLU vs linear, 400 epochs, S_rel from 100 base points every 40 epochs (basePoints 0 gives the full n × n matrix: 16 MB per probe and net).', (c) => {
    c.dataset.n = 2000
    c.network.hidden = [256]
    c.epochs = 400
    c.probe = { ...c.probe, every: 40, basePoints: 100 }
  })
]

const descriptor: StudyDescriptor<ElasticityManifoldConfig> = {
  id: 'elasticity-manifold',
  title: 'Local elasticity on toy manifolds',
  summary: 'A neural net and its linear twin fit a double helix or folded boxes; S_rel from base points to every point, along training, and a locality index for each.',
  source: 'He & Su, "The Local Elasticity of Neural Networks", ICLR 2020 — slides, "toy manifolds"',
  configSchema: elasticityManifoldConfigSchema,
  defaults: elasticityManifoldDefaults,
  templates: elasticityManifoldTemplates,
  fields: elasticityManifoldFields,
  presets: elasticityManifoldPresets,
  outputs: [
    { id: 'manifold', kind: 'custom', panel: 'manifold', title: 'The manifold, coloured by LE', keys: ['locality/neural', 'locality/linear'] },
    { id: 'loss', kind: 'scalars', title: 'Train loss', keys: ['neural/train/loss', 'linear/train/loss'], logScale: true, yLabel: 'loss' },
    { id: 'accuracy', kind: 'scalars', title: 'Train accuracy', keys: ['neural/train/accuracy', 'linear/train/accuracy'], percent: true, yLabel: 'accuracy' }
  ],
  trainsNetwork: true,
  members: ['neural', 'linear']
}

/** A pre-discrimination config (every manifold's fields, momentum on Adam) in today's form. */
export function upgradeElasticityManifoldConfig(old: unknown): unknown {
  if (!old || typeof old !== 'object') return old
  const o = old as any
  const d = o.dataset
  if (!d || typeof d !== 'object') return old
  const dataset =
    d.generator === 'double-helix' ? { generator: d.generator, n: d.n, noise: d.noise, turns: d.turns } : d.generator === 'folded-boxes' ? { generator: d.generator, n: d.n, noise: d.noise, gap: d.gap, thickness: d.thickness, foldAngle: d.foldAngle } : d
  return { ...o, dataset, optimizer: upgradeOptimizer(o.optimizer) }
}

export const elasticityManifoldCards: GalleryCard[] = [
  templateCard(
    'local-elasticity',
    elasticityManifoldTemplates[0],
    {
      source: 'He & Su, ICLR 2020 slides, "toy manifolds" (seed 000)',
      figure: 'Slides: double helix, two-layer neural vs linear net, S_rel vs distance',
      expected: 'Neural net: large S_rel for nearby points on the same strand, decaying with distance (locality index clearly > 1); linear net: no locality (index ≈ 1).',
      cpu: elasticityManifoldPresets.find((p) => p.id === 'cpu')!.description,
      paper: elasticityManifoldPresets.find((p) => p.id === 'paper')!.description
    },
    { base: elasticityManifoldPresets.find((p) => p.id === 'paper')!.config }
  ),
  templateCard(
    'local-elasticity',
    elasticityManifoldTemplates[1],
    {
      source: 'He & Su, ICLR 2020 slides, "toy manifolds" (seed 000)',
      figure: 'Slides: folded boxes, three-layer neural vs linear net',
      expected: 'Neural net locally elastic (locality index > 1) across the fold; linear net not (≈ 1).',
      cpu: 'Folded boxes, 1 000 points, 64-64 ReLU vs linear, plain SGD (LR 0.1, batch 32), 200 epochs, S_rel from 40 base points every 10 epochs.',
      paper: 'Folded boxes, 2 000 points, 256-256 ReLU vs linear, 400 epochs, S_rel from 100 base points every 40 epochs.'
    },
    {
      base: elasticityManifoldPresets.find((p) => p.id === 'paper')!.config,
      patch: (c) => {
        c.dataset = { ...MANIFOLD_VARIANTS['folded-boxes'], n: c.dataset.n }
        c.network.hidden = [256, 256]
      }
    }
  )
]

export const elasticityManifoldStudy: StudyDescriptor<ElasticityManifoldConfig> = { ...descriptor, cards: elasticityManifoldCards, upgrade: upgradeElasticityManifoldConfig }
