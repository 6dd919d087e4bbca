/**
 * Study `elasticity-classes`: class-pair elasticity histograms (He & Su, ICLR 2020, seed 001 Fig. 6; spec
 * `local-elasticity.md`, experiment 2) at CPU scale. A small MLP or CNN is trained with softmax cross-entropy on
 * `perClass` images of each chosen class of a library dataset; then LE(x, x′) = ‖Δz(x′)‖ / ‖Δz(x)‖ (z = logits)
 * from every base-class example to every test-class example gives one histogram per (base class, test class).
 * What is logged is described in `elasticityPayloads.ts`.
 */
import { z } from 'zod'
import { templateCard, type GalleryCard } from '../../gallery/cards'
import { probesSchema } from '../../probes'
import { optimizerFields, optimizerSchema, upgradeOptimizer } from '../../training/optimizer'
import type { FieldMeta, Preset, StudyDescriptor, Template } from '../descriptor'
import { MANIFOLD_ACTIVATIONS } from '../elasticity-manifold'

/** The built-in MNIST sample (same id as the training study's). */
export const CLASSES_DEFAULT_DATASET = 'builtin-mnist'
export const CLASS_MODELS = ['mlp', 'cnn'] as const
export const PIXEL_SCALES = ['unit', 'symmetric'] as const

const classList = z
  .array(z.number().int().min(0).max(99))
  .min(1)
  .max(10)
  .refine((a) => new Set(a).size === a.length, { message: 'each class at most once' })

export const elasticityClassesConfigSchema = z.strictObject({
  dataset: z.strictObject({
    /** A classification dataset of the library (built-in MNIST, or Fashion-MNIST once imported). */
    datasetId: z.string().min(1).max(100),
    /** Training examples taken of each chosen class (a seeded pick). */
    perClass: z.number().int().min(2).max(5000),
    /** Pixels in [0, 1] (unit) or [−1, 1] (symmetric, the reference code's scaling). */
    pixelScale: z.enum(PIXEL_SCALES)
  }),
  /** Classes whose examples take the probe's SGD step (one histogram panel each). */
  baseClasses: classList,
  /** Classes whose examples are re-predicted (one histogram per base class each). */
  testClasses: classList,
  model: z.discriminatedUnion('kind', [
    /** An MLP with these hidden widths. */
    z.strictObject({ kind: z.literal('mlp'), hidden: z.array(z.number().int().min(1).max(4096)).min(1).max(8), activation: z.enum(MANIFOLD_ACTIVATIONS) }),
    /** The lab's small CNN: conv 16 → pool → conv 32 → pool → dense 64. */
    z.strictObject({ kind: z.literal('cnn'), activation: z.enum(MANIFOLD_ACTIVATIONS) })
  ]),
  optimizer: optimizerSchema,
  batchSize: z.number().int().min(1).max(4096),
  epochs: z.number().int().min(1).max(10_000),
  probe: z.strictObject({
    /** Probe every N epochs (0 = only at the end); always at the end. */
    every: z.number().int().min(0).max(10_000),
    /** Base examples per base class (a seeded subset); 0 = all `perClass` of them. */
    basePerClass: z.number().int().min(0).max(5000),
    gamma: z.number().gt(0).max(10),
    /** Histogram bins over [0, the 99th percentile of all LE values]; larger values fall in the last bin. */
    bins: z.number().int().min(5).max(200)
  }),
  seed: z.number().int().min(0).max(2 ** 31 - 1),
  probes: probesSchema.optional()
})

export const CLASS_MODEL_VARIANTS = {
  mlp: { kind: 'mlp', hidden: [128], activation: 'relu' },
  cnn: { kind: 'cnn', activation: 'relu' }
} as const

export type ElasticityClassesConfig = z.infer<typeof elasticityClassesConfigSchema>

/** CPU preset: MNIST 4 and 9 (similar) against 7 and 1, 100 images per class, a 128-unit MLP. */
export const elasticityClassesDefaults: ElasticityClassesConfig = {
  dataset: { datasetId: CLASSES_DEFAULT_DATASET, perClass: 100, pixelScale: 'unit' },
  baseClasses: [4, 9],
  testClasses: [4, 9, 7, 1],
  model: { kind: 'mlp', hidden: [128], activation: 'relu' },
  optimizer: { kind: 'adam', learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
  batchSize: 32,
  epochs: 20,
  probe: { every: 5, basePerClass: 0, gamma: 0.01, bins: 40 },
  seed: 1
}

export const elasticityClassesTemplates: Template<ElasticityClassesConfig>[] = [
  {
    id: 'elasticity-classes/mnist-4-9',
    studyId: 'elasticity-classes',
    title: 'Class-pair elasticity: MNIST 4 / 9 vs 7 / 1',
    description: 'Seed 001 Fig. 6 at CPU scale: a 128-unit MLP trained on 100 built-in MNIST digits each of 4, 9, 7 and 1; histograms of LE(x, x′) from every 4 and every 9 to each test class. Expected: similar classes (4 ↔ 9) show larger LE than dissimilar ones (4 → 1).',
    config: structuredClone(elasticityClassesDefaults)
  }
]

export const elasticityClassesFields: Record<string, FieldMeta> = {
  dataset: { label: 'Data', help: 'A classification dataset of the library and how many of its images each class contributes.', group: 'Data' },
  'dataset.datasetId': { label: 'Library dataset', help: 'The built-in MNIST sample, or Fashion-MNIST once imported (Datasets → Import); seed 001 used ImageNet (GPU-scale).', group: 'Data', custom: true },
  'dataset.perClass': { label: 'Images per class', help: 'A seeded pick of this many images of each chosen class trains the net and is probed (seed 001 Fig. 6: 120 per class).', unit: 'images', group: 'Data' },
  'dataset.pixelScale': { label: 'Pixel scaling', help: 'Pixels in [0, 1], or in [−1, 1] as the reference code (HornHehhf/LocalElasticity) scales them.', group: 'Data', choices: { unit: '[0, 1]', symmetric: '[−1, 1]' } },
  baseClasses: { label: 'Base classes', help: 'Classes whose examples take the probe\'s SGD step: one histogram panel per base class (seed 001 Fig. 6: brown bear, leopard, tiger).', group: 'Classes' },
  testClasses: { label: 'Test classes', help: 'Classes whose examples are re-predicted after each step: one histogram per test class in every panel.', group: 'Classes' },
  model: { label: 'Model', help: 'The network trained with softmax cross-entropy on the chosen classes (seed 001: pretrained VGG-19).', group: 'Network' },
  'model.kind': { label: 'Model', help: 'An MLP (hidden widths below) or the lab\'s small CNN (conv 16 → pool → conv 32 → pool → dense 64).', group: 'Network', choices: { mlp: 'MLP', cnn: 'small CNN' }, variants: CLASS_MODEL_VARIANTS },
  'model.hidden': { label: 'Hidden widths', help: 'Units per hidden layer of the MLP.', group: 'Network' },
  'model.activation': { label: 'Activation', help: 'Activation of the hidden layers.', group: 'Network', choices: { relu: 'ReLU', tanh: 'tanh' } },
  ...optimizerFields('optimizer', 'Training', { learningRate: 'Step size of training (the probe has its own γ).' }),
  batchSize: { label: 'Batch size', help: 'Examples per training step.', unit: 'examples', group: 'Training' },
  epochs: { label: 'Epochs', help: 'Passes over the chosen images.', group: 'Training' },
  probe: { label: 'Elasticity probe', help: 'LE(x, x′) = ‖z(x′, w⁺) − z(x′, w)‖ / ‖z(x, w⁺) − z(x, w)‖ on the logits z (seed 001, eq. 3.1), one batched pass per base example.', group: 'Probe' },
  'probe.every': { label: 'Probe every N epochs', help: 'Histograms every N epochs (and at epoch 0); 0 = only at the end.', unit: 'epochs', group: 'Probe' },
  'probe.basePerClass': { label: 'Base examples per class', help: 'A seeded subset of each base class takes the step; 0 = all of them.', unit: 'images', group: 'Probe' },
  'probe.gamma': { label: 'Probe step γ', help: 'Step size of the probe\'s SGD step; tripled while the logits of x change by less than float precision (the reference code\'s rule).', group: 'Probe' },
  'probe.bins': { label: 'Histogram bins', help: 'Bins shared by every histogram, over [0, the 99th percentile of all LE values].', group: 'Probe' },
  seed: { label: 'Seed', help: 'Seeds the pick of images, the initial weights, the batch order and the base subset.', group: 'Training' }
}

export const elasticityClassesPresets: Preset<ElasticityClassesConfig>[] = [
  { id: 'cpu', title: 'CPU-sized (default)', description: 'Built-in MNIST, 100 images each of 4, 9, 7, 1, a 128-unit MLP, 20 epochs.', config: structuredClone(elasticityClassesDefaults) },
  {
    id: 'paper',
    title: 'Paper scale (seed 001 Fig. 6, on MNIST)',
    description: 'Three classes with 120 images each as in Fig. 6 (there: ImageNet brown bear, leopard, tiger on a pretrained VGG-19); here 4, 9 and 7 with the small CNN, pixels in [−1, 1].',
    config: {
      ...structuredClone(elasticityClassesDefaults),
      dataset: { datasetId: CLASSES_DEFAULT_DATASET, perClass: 120, pixelScale: 'symmetric' },
      baseClasses: [4, 9, 7],
      testClasses: [4, 9, 7],
      model: { kind: 'cnn', activation: 'relu' },
      epochs: 30
    }
  }
]

const descriptor: StudyDescriptor<ElasticityClassesConfig> = {
  id: 'elasticity-classes',
  title: 'Class-pair elasticity histograms',
  summary: 'Train a small MLP or CNN on a few image classes, then histogram LE(x, x′) from every base-class example to every test-class example.',
  source: 'He & Su, "The Local Elasticity of Neural Networks", ICLR 2020 — Fig. 6 (seed 001)',
  configSchema: elasticityClassesConfigSchema,
  defaults: elasticityClassesDefaults,
  templates: elasticityClassesTemplates,
  fields: elasticityClassesFields,
  presets: elasticityClassesPresets,
  outputs: [
    { id: 'histograms', kind: 'custom', panel: 'class-pairs', title: 'LE per (base class, test class)', keys: ['le/mean/*'] },
    { id: 'loss', kind: 'scalars', title: 'Train loss', keys: ['train/loss'], logScale: true, yLabel: 'loss' },
    { id: 'accuracy', kind: 'scalars', title: 'Train accuracy', keys: ['train/accuracy'], percent: true, yLabel: 'accuracy' }
  ],
  trainsNetwork: true
}

/** A pre-discrimination config (`hidden` on the CNN, momentum on Adam) in today's form. */
export function upgradeElasticityClassesConfig(old: unknown): unknown {
  if (!old || typeof old !== 'object') return old
  const o = old as any
  const m = o.model
  const model = m?.kind === 'cnn' ? { kind: 'cnn', activation: m.activation } : m
  return { ...o, model, optimizer: upgradeOptimizer(o.optimizer) }
}

export const elasticityClassesCards: GalleryCard[] = [
  templateCard(
    'local-elasticity',
    elasticityClassesTemplates[0],
    {
      source: 'He & Su, ICLR 2020 (seed 001), Fig. 6',
      figure: 'Seed 001, Fig. 6 (LE histograms per class pair)',
      expected: 'LE(x, x′) larger for similar classes (MNIST 4 ↔ 9) than for dissimilar ones (4 → 1).',
      cpu: elasticityClassesPresets.find((p) => p.id === 'cpu')!.description,
      paper: elasticityClassesPresets.find((p) => p.id === 'paper')!.description + ' Seed 001 itself: pretrained VGG-19 on ImageNet — GPU-scale.'
    },
    { base: elasticityClassesPresets.find((p) => p.id === 'paper')!.config }
  )
]

export const elasticityClassesStudy: StudyDescriptor<ElasticityClassesConfig> = { ...descriptor, cards: elasticityClassesCards, upgrade: upgradeElasticityClassesConfig }
