/**
 * Study `gradient-amplification` (thesis ch. 4; spec `gradient-amplification.md`): the same network trained with
 * several output/loss variants side by side — softmax + CE, sigmoid / tanh / linear + MSE, exp-GA, pow3-GA, each
 * with its targets (and α, β) and its own fixed learning rate — over several initialisations, on the same batches.
 * Every variant's delta at the output pre-activation is y − t (src-shared/studies/training/outputs.ts; the losses
 * are the training study's). Per variant: the median over trials of the test error at the best validation epoch
 * and of that epoch, laid out like Table 4.1 / 4.2 with the thesis's numbers beside; the curvature explainer.
 */
import { z } from 'zod'
import { templateCard, type DatasetHint, type GalleryCard } from '../../gallery/cards'
import { conv2d, dense, maxpool2d, type Layer } from '../../network/layers'
import { optimizerFields, sgd } from '../../training/optimizer'
import { armsConfigFields, estimateArms, MAX_MEMBERS, probedMembers } from '../arms'
import type { FieldMeta, Preset, StudyDescriptor, Template } from '../descriptor'
import { BUILTIN_MNIST_ID, SMALL_CNN } from '../training/descriptor'
import { LOSS_PARAMS_DEFAULTS, LOSSES, lossParamsProblems, lossParamsSchema, type LossKind, type LossParams } from '../training/outputs'

export const variantSchema = z.strictObject({
  /** The variant's name in keys and tables (`table/<name>/error`). */
  name: z
    .string()
    .min(1)
    .max(40)
    .regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and dashes'),
  loss: z.enum(LOSSES),
  lossParams: lossParamsSchema.optional(),
  /** Its own fixed learning rate (the thesis tunes one per variant); absent = the optimiser's. */
  learningRate: z.number().gt(0).max(10).optional()
})
export type GaVariant = z.infer<typeof variantSchema>

/** Which of the thesis's tables the run's numbers are shown beside. */
export const GA_REFERENCES = ['table-4.1', 'table-4.2', 'none'] as const

export const gradientAmplificationConfigSchema = z
  .strictObject({
    ...armsConfigFields,
    variants: z.array(variantSchema).min(1).max(12),
    /** Target t of the curvature explainer's curves. */
    explainerTarget: z.number().min(-100).max(100),
    reference: z.enum(GA_REFERENCES)
  })
  .superRefine((c, ctx) => {
    const seen = new Set<string>()
    c.variants.forEach((v, i) => {
      if (seen.has(v.name)) ctx.addIssue({ code: 'custom', path: ['variants', i, 'name'], message: `"${v.name}" is used twice; each variant needs its own name` })
      seen.add(v.name)
      for (const p of lossParamsProblems(v.loss, v.lossParams)) ctx.addIssue({ code: 'custom', path: ['variants', i, ...p.path], message: p.message })
    })
    const members = c.variants.length * c.trials
    if (members > MAX_MEMBERS) ctx.addIssue({ code: 'custom', path: ['trials'], message: `${members} networks side by side (variants × trials); at most ${MAX_MEMBERS}` })
  })

export type GradientAmplificationConfig = z.infer<typeof gradientAmplificationConfigSchema>

/** A variant of a loss with the thesis's default targets (or the given ones). */
export function variant(loss: LossKind, opts: { name?: string; params?: LossParams; learningRate?: number } = {}): GaVariant {
  const params = opts.params ?? (loss in LOSS_PARAMS_DEFAULTS ? structuredClone(LOSS_PARAMS_DEFAULTS[loss as keyof typeof LOSS_PARAMS_DEFAULTS]) : undefined)
  return { name: opts.name ?? loss, loss, ...(params ? { lossParams: params } : {}), ...(opts.learningRate !== undefined ? { learningRate: opts.learningRate } : {}) }
}

/** Published figures: test error (fraction) and median epochs to the best validation error. */
export const PUBLISHED_GA: Record<(typeof GA_REFERENCES)[number], Partial<Record<LossKind, { error: number; epochs?: number; note: string }>>> = {
  'table-4.1': {
    'sigmoid-mse': { error: 0.018, epochs: 98.5, note: 'MNIST MLP 784-392-50-10 ReLU, median of 20, 100 epochs' },
    'tanh-mse': { error: 0.017, epochs: 95.0, note: 'MNIST MLP 784-392-50-10 ReLU, median of 20, 100 epochs' },
    'linear-mse': { error: 0.017, epochs: 73.5, note: 'MNIST MLP 784-392-50-10 ReLU, median of 20, 100 epochs' }
  },
  'table-4.2': {
    'softmax-cross-entropy': { error: 0.0568, note: 'VGG-13 on CIFAR-10, median of 8 (VGG-19: 6.05 %)' },
    'exp-ga': { error: 0.0561, note: 'VGG-13 on CIFAR-10, median of 8 (VGG-19: 5.82 %)' },
    'pow3-ga': { error: 0.0555, note: 'VGG-13 on CIFAR-10, median of 8 (VGG-19: 5.93 %)' },
    'linear-mse': { error: 0.0547, note: 'VGG-13 on CIFAR-10, median of 8 (VGG-19: 5.79 %)' }
  },
  none: {}
}

/** Table 4.1's network: 784-392-50-10 with ReLU hidden units. */
export const TABLE_4_1_MLP: Layer[] = [dense(392, 'relu'), dense(50, 'relu')]

/** VGG-13 (10 conv layers 3×3 'same', five max-pools, one dense 512; the output layer comes from the loss). */
export const VGG13: Layer[] = [
  conv2d(64, 3, 'relu', 'same'),
  conv2d(64, 3, 'relu', 'same'),
  maxpool2d(2),
  conv2d(128, 3, 'relu', 'same'),
  conv2d(128, 3, 'relu', 'same'),
  maxpool2d(2),
  conv2d(256, 3, 'relu', 'same'),
  conv2d(256, 3, 'relu', 'same'),
  maxpool2d(2),
  conv2d(512, 3, 'relu', 'same'),
  conv2d(512, 3, 'relu', 'same'),
  maxpool2d(2),
  conv2d(512, 3, 'relu', 'same'),
  conv2d(512, 3, 'relu', 'same'),
  maxpool2d(2),
  dense(512)
]

/** What the VGG card's paper preset trains on; its CPU preset uses the built-in digits. */
export const CIFAR10_HINT: DatasetHint = {
  title: 'CIFAR-10 (paper preset only)',
  help: 'the CPU preset runs on the built-in digits; for the paper preset import CIFAR-10 (32×32×3, 10 classes) into the dataset library — the lab never downloads data.',
  namePattern: 'cifar',
  sample: [32, 32, 3],
  classes: 10
}

export const gradientAmplificationDefaults: GradientAmplificationConfig = {
  dataset: { datasetId: BUILTIN_MNIST_ID, testFraction: 0.2, validationFraction: 0.1 },
  layers: structuredClone(TABLE_4_1_MLP),
  variants: [variant('sigmoid-mse', { params: { trueTarget: 1, otherTarget: 0 }, learningRate: 0.1 }), variant('tanh-mse', { learningRate: 0.05 }), variant('linear-mse', { learningRate: 0.03 })],
  optimizer: sgd(0.05, 0.9),
  batchSize: 64,
  epochs: 30,
  trials: 3,
  seed: 1,
  checkpointEvery: 0,
  explainerTarget: 1,
  reference: 'table-4.1',
  // The chapter's instruments on the first trial's nets: Fig. 4.3 (gradient RMS per layer) and Fig. 4.2 (output deltas).
  probes: [
    { id: 'gradient-rms', every: 1, params: { samples: 256 } },
    { id: 'output-delta', every: 1, params: { samples: 256, bins: 40 } }
  ]
}

function configWith(base: GradientAmplificationConfig, patch: (c: GradientAmplificationConfig) => void): GradientAmplificationConfig {
  const c = structuredClone(base)
  patch(c)
  return c
}

/** The CNN stand-in for Table 4.2: the lab's small CNN on the built-in digits with the four output variants of the VGG runs. */
const cnnStandIn = (c: GradientAmplificationConfig) => {
  c.layers = structuredClone(SMALL_CNN)
  c.variants = [
    variant('softmax-cross-entropy', { learningRate: 0.05 }),
    // Rates from a one-epoch check of three each on this machine: exp-GA diverges at 0.05, pow3-GA at 0.01.
    variant('exp-ga', { params: { trueTarget: 2, otherTarget: 0, alpha: 0.1 }, learningRate: 0.02 }),
    variant('pow3-ga', { learningRate: 0.001 }),
    variant('linear-mse', { learningRate: 0.03 })
  ]
  c.epochs = 6
  c.trials = 2
  c.reference = 'table-4.2'
  // Fig. 4.5: the softmax normaliser, beside the deltas.
  c.probes = [...(c.probes ?? []), { id: 'softmax-normaliser', every: 1, params: { samples: 256 } }]
}

export const gradientAmplificationTemplates: Template<GradientAmplificationConfig>[] = [
  {
    id: 'gradient-amplification/mnist-mlp',
    studyId: 'gradient-amplification',
    title: 'Non-squashing outputs on MNIST',
    description: 'Thesis Table 4.1: the MLP 784-392-50-10 (ReLU) with sigmoid, tanh and linear outputs + MSE (delta y − t), three seeds each, SGD with a fixed learning rate per variant. Median test error at the best validation epoch and the epochs to it, beside the thesis\'s numbers.',
    config: structuredClone(gradientAmplificationDefaults)
  },
  {
    id: 'gradient-amplification/vgg-cifar',
    studyId: 'gradient-amplification',
    title: 'Gradient amplification on a CNN',
    description: 'Thesis Table 4.2 at CPU scale: the lab\'s small CNN on the built-in digits with softmax + CE, exp-GA (t ∈ {0, 2}), pow3-GA and linear + MSE, two seeds each. The thesis\'s VGG-13 / CIFAR-10 numbers are shown beside — a different network and dataset, so compare the ranking, not the values.',
    config: configWith(gradientAmplificationDefaults, cnnStandIn)
  }
]

export const gradientAmplificationFields: Record<string, FieldMeta> = {
  dataset: { label: 'Data', help: 'A classification dataset of the library, split with the run\'s seed; every net sees the same batches.', group: 'Data' },
  'dataset.datasetId': { label: 'Dataset', help: 'Table 4.1: MNIST (the built-in 10 000-digit sample is always in the library); Table 4.2: CIFAR-10 (import it).', group: 'Data', custom: true },
  'dataset.testFraction': { label: 'Test fraction', help: 'Share of the samples held out for the test error.', group: 'Data', step: 0.05 },
  'dataset.validationFraction': { label: 'Validation fraction', help: 'Share held out to pick each net\'s best epoch (thesis: epochs to the best validation error).', group: 'Data', step: 0.05 },
  layers: { label: 'Hidden layers', help: 'The layer list every variant uses (JSON; the output layer comes from the variant). Table 4.1: dense 392 and 50, ReLU.', group: 'Network' },
  variants: {
    label: 'Output variants',
    help: 'JSON list of { name, loss, lossParams, learningRate }: loss one of softmax-cross-entropy, mse, sigmoid-mse, tanh-mse, linear-mse, exp-ga (y = α eˣ, sparse CE), pow3-ga (y = α x³ + β, negative-correlation loss); lossParams the targets trueTarget / otherTarget and α, β where the variant has them. Every thesis variant gives ∂ℒ/∂x = y − t.',
    group: 'Network'
  },
  ...optimizerFields('optimizer', 'Training', { learningRate: 'Learning rate of the variants that do not set their own (the thesis tunes a fixed rate per variant).' }),
  batchSize: { label: 'Batch size', help: 'Examples per step, the same batches for every net.', unit: 'examples', group: 'Training' },
  epochs: { label: 'Epochs', help: 'Passes over the training split (Table 4.1: 100).', group: 'Training' },
  trials: { label: 'Trials', help: 'Independent initialisations; every variant of trial k starts from the same hidden weights. Figures are medians over trials (Table 4.1: 20).', group: 'Training' },
  seed: { label: 'Seed', help: 'Seeds the split, the batch order and every trial\'s initial weights.', group: 'Training' },
  checkpointEvery: { label: 'Checkpoint every N epochs', help: 'A resumable checkpoint of every net (weights and optimiser state) and of the study\'s bookkeeping; 0 = none. It holds all the nets: tens of MB for tens of MLPs.', unit: 'epochs', group: 'Training' },
  explainerTarget: { label: 'Explainer target t', help: 'The target of the curvature explainer: H_linear = 1, H_exp = e^{2x} − eˣ(t − eˣ), H_pow3 = 9x⁴ − 6x(−x³ + t) against x.', group: 'Logging' },
  reference: { label: 'Published numbers beside', help: 'Which of the thesis\'s tables the summary table shows next to the lab\'s numbers (matched by loss).', group: 'Logging', choices: { 'table-4.1': 'Table 4.1 (MNIST MLP)', 'table-4.2': 'Table 4.2 (VGG-13, CIFAR-10)', none: 'none' } }
}

const paperMlp = (c: GradientAmplificationConfig) => {
  c.epochs = 100
  c.trials = 20
}

const paperVgg = (c: GradientAmplificationConfig) => {
  // CIFAR-10 is not on this machine: the preset asks for it in the library (the 60 000 images, 10 000 of them test).
  c.dataset = { datasetId: '', testFraction: 1 / 6, validationFraction: 0.1 }
  c.layers = structuredClone(VGG13)
  c.epochs = 200
  c.trials = 8
  c.batchSize = 128
}

export const gradientAmplificationPresets: Preset<GradientAmplificationConfig>[] = [
  { id: 'cpu', title: 'CPU-sized (default)', description: 'Built-in digits, 784-392-50-10 ReLU, sigmoid / tanh / linear + MSE, SGD momentum 0.9 with a fixed rate per variant, 30 epochs, three trials (9 nets side by side).', config: structuredClone(gradientAmplificationDefaults) },
  { id: 'paper', title: 'Paper scale (Table 4.1)', description: '100 epochs, 20 trials per variant (60 nets); import all 60 000 MNIST digits for the thesis\'s data — hours on 2 cores.', config: configWith(gradientAmplificationDefaults, paperMlp) }
]

export const gradientAmplificationCards: GalleryCard[] = [
  templateCard(
    'gradient-amplification',
    gradientAmplificationTemplates[0],
    {
      figure: 'Thesis Table 4.1',
      expected: 'Error / epochs to best: sigmoid 1.8 % / 98.5, tanh 1.7 / 95.0, linear 1.7 / 73.5 (≈ 25 % faster).',
      cpu: 'Built-in digits, MLP 784-392-50-10 ReLU, sigmoid / tanh / linear + MSE × 3 seeds, SGD (momentum 0.9, LR 0.1 / 0.05 / 0.03), 30 epochs.',
      paper: '20 trials (median), 100 epochs; import the 60 000 MNIST digits — hours on 2 cores.'
    },
    { patch: paperMlp }
  ),
  templateCard(
    'gradient-amplification',
    { ...gradientAmplificationTemplates[1], datasetHint: CIFAR10_HINT },
    {
      figure: 'Thesis Table 4.2',
      expected: 'CIFAR-10 error, VGG-13: softmax 5.68 %, exp-GA 5.61 %, pow3-GA 5.55 %, linear + MSE 5.47 % (GPU-scale; the CPU stand-in compares the variants on a small CNN).',
      cpu: 'Small CNN (conv 16 → pool → conv 32 → pool → dense 64) on the built-in digits, softmax / exp-GA (t ∈ {0, 2}) / pow3-GA / linear + MSE × 2 seeds, SGD momentum 0.9 (LR 0.05 / 0.02 / 0.001 / 0.03), 6 epochs.',
      paper: 'VGG-13 on CIFAR-10 (import it), 8 trials, 200 epochs, batch 128 — GPU-scale: days on 2 cores.'
    },
    { patch: paperVgg }
  )
]

const descriptor: StudyDescriptor<GradientAmplificationConfig> = {
  id: 'gradient-amplification',
  title: 'Gradient amplification and non-squashing outputs',
  summary: 'One network trained with several output/loss variants side by side (softmax, sigmoid, tanh, linear + MSE, exp-GA, pow3-GA) over several seeds: error and epochs to the best validation error per variant, beside the thesis\'s tables.',
  source: 'Øland 2024 thesis, ch. 4 (Tables 4.1–4.2, Figs 4.2–4.5)',
  configSchema: gradientAmplificationConfigSchema,
  defaults: gradientAmplificationDefaults,
  templates: gradientAmplificationTemplates,
  fields: gradientAmplificationFields,
  presets: gradientAmplificationPresets,
  outputs: [
    { id: 'table', kind: 'table', key: 'ga/table', title: 'Error and epochs to best per variant, beside the thesis', help: 'Median over trials of the test error at the best validation epoch and of that epoch (Table 4.1 / 4.2); updated after every epoch.' },
    { id: 'errors', kind: 'boxplot', key: 'ga/errors', title: 'Test error per variant (box over seeds)', help: 'Each net\'s test error at its best validation epoch so far.' },
    { id: 'error-curves', kind: 'scalars', keys: ['*/test/error'], title: 'Median test error per variant', logScale: true, percent: true, yLabel: 'test error' },
    { id: 'curvature', kind: 'curves', key: 'ga/curvature', title: 'Curvature explainer', help: '∂²/∂x² of ½(y − t)² for y = x, eˣ and x³ (thesis ch. 4): flat for the linear output, exploding for the amplifying ones — why exp-GA and pow3-GA pair them with losses whose delta is y − t.' },
    { id: 'val-accuracy', kind: 'scalars', keys: ['*/*/val/accuracy'], title: 'Validation accuracy of every net', percent: true, yLabel: 'accuracy' },
    { id: 'test-accuracy', kind: 'scalars', keys: ['*/*/test/accuracy'], title: 'Test accuracy of every net', percent: true, yLabel: 'accuracy' },
    { id: 'loss', kind: 'scalars', keys: ['*/*/val/loss', '*/*/test/loss'], title: 'Loss of every net (each variant\'s own loss)', yLabel: 'loss', help: 'Each variant minimises its own loss (the matching losses of sigmoid and tanh go below zero), so compare losses within a variant, errors across them.' }
  ],
  trainsNetwork: true,
  members: (c) => (Array.isArray(c?.variants) ? probedMembers(c.variants.map((v) => v.name)) : []),
  estimate: (c, library) => estimateArms(c, c.variants.length * c.trials, library)
}

export const gradientAmplificationStudy: StudyDescriptor<GradientAmplificationConfig> = { ...descriptor, cards: gradientAmplificationCards }
