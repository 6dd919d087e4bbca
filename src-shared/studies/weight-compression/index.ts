/**
 * Study `weight-compression` (thesis ch. 3; spec `weight-compression.md`): MLPs trained side by side whose
 * weights are quantised and decoded at every synchronisation point (what a data-parallel worker would send),
 * beside an uncompressed baseline from the same initial weights. Two modes:
 *  - fixed: N bits per weight for every layer, one arm per N (Fig. 3.1: accuracy vs bits over seeds);
 *  - dynamic: Algorithms 1–2, N = ⌈H + c⌉ from the sampled M-bit entropy H, one arm per floor c (§3.6, §3.8),
 *    logging raw and Huffman bits per parameter, the entropy H and gradient RMS G per layer and their correlation.
 * The compression maths are src-shared/compression/ (pure, tested); the runner is src-main/engine/studies/weight-compression/.
 */
import { z } from 'zod'
import { templateCard, type GalleryCard } from '../../gallery/cards'
import { dense, type Layer } from '../../network/layers'
import { MAX_BITS } from '../../compression/quantise'
import { adam, optimizerFields } from '../../training/optimizer'
import { armsConfigFields, estimateArms, MAX_MEMBERS, probedMembers } from '../arms'
import type { FieldMeta, Preset, StudyDescriptor, Template } from '../descriptor'
import { BUILTIN_MNIST_ID } from '../training/descriptor'

const bitsSchema = z.number().int().min(1).max(MAX_BITS)

export const compressionSchema = z.discriminatedUnion('kind', [
  /** Every layer quantised to N bits at every sync point; one arm per entry. */
  z.strictObject({ kind: z.literal('fixed'), bits: z.array(bitsSchema).min(1).max(30) }),
  /** Algorithm 1 with entropy bits M, sampled fraction F and one arm per floor c (the first is the headline arm). */
  z.strictObject({ kind: z.literal('dynamic'), entropyBits: z.number().int().min(1).max(16), fraction: z.number().gt(0).max(1), floors: z.array(z.number().int().min(1).max(MAX_BITS)).min(1).max(16) })
])
export type CompressionConfig = z.infer<typeof compressionSchema>

export const COMPRESSION_VARIANTS: Record<CompressionConfig['kind'], CompressionConfig> = {
  fixed: { kind: 'fixed', bits: [2, 3, 4, 5, 6, 7, 8, 10, 12] },
  dynamic: { kind: 'dynamic', entropyBits: 4, fraction: 0.03, floors: [6, 5] }
}

export const WC_LOSSES = ['mse', 'softmax-cross-entropy'] as const

export const weightCompressionConfigSchema = z
  .strictObject({
    ...armsConfigFields,
    loss: z.enum(WC_LOSSES),
    compression: compressionSchema,
    /** Quantise-and-decode every N optimisation steps; 0 = once per epoch (the thesis's simulation). */
    syncEvery: z.number().int().min(0).max(1_000_000),
    /** Train an uncompressed baseline per trial. */
    baseline: z.boolean(),
    /** Training rows the gradient RMS G(l, e) is measured on each epoch (dynamic mode, first trial); 0 = not measured. */
    gradientSamples: z.number().int().min(0).max(10_000)
  })
  .superRefine((c, ctx) => {
    const arms = compressionArms(c.compression)
    if (new Set(arms).size !== arms.length) ctx.addIssue({ code: 'custom', path: ['compression', c.compression.kind === 'fixed' ? 'bits' : 'floors'], message: 'each value once' })
    if (c.compression.kind === 'dynamic') {
      const M = c.compression.entropyBits
      c.compression.floors.forEach((f, i) => {
        if (f + M > MAX_BITS) ctx.addIssue({ code: 'custom', path: ['compression', 'floors', i], message: `c + M may reach ${f + M} bits; at most ${MAX_BITS}` })
      })
    }
    const members = memberCount(c)
    if (members > MAX_MEMBERS) ctx.addIssue({ code: 'custom', path: ['trials'], message: `${members} networks side by side (arms × trials); at most ${MAX_MEMBERS}` })
  })

export type WeightCompressionConfig = z.infer<typeof weightCompressionConfigSchema>

/** The arms of a run, in order: `bits<N>` (fixed) or `c<c>` (dynamic); the baseline is `baseline`. */
export function compressionArms(c: CompressionConfig): string[] {
  return c.kind === 'fixed' ? c.bits.map((b) => `bits${b}`) : c.floors.map((f) => `c${f}`)
}

export function allArms(c: Pick<WeightCompressionConfig, 'compression' | 'baseline'>): string[] {
  return [...(c.baseline ? ['baseline'] : []), ...compressionArms(c.compression)]
}

export function memberCount(c: Pick<WeightCompressionConfig, 'compression' | 'baseline' | 'trials'>): number {
  return allArms(c).length * c.trials
}

/** The thesis's MLP 784-392-50-10 with tanh on every hidden neuron (the output layer comes from the loss). */
export const THESIS_MLP: Layer[] = [dense(392, 'tanh'), dense(50, 'tanh')]

export const weightCompressionDefaults: WeightCompressionConfig = {
  dataset: { datasetId: BUILTIN_MNIST_ID, testFraction: 0.2, validationFraction: 0.1 },
  layers: structuredClone(THESIS_MLP),
  loss: 'mse',
  optimizer: adam(0.001),
  batchSize: 64,
  epochs: 30,
  trials: 3,
  seed: 1,
  checkpointEvery: 0,
  compression: structuredClone(COMPRESSION_VARIANTS.dynamic),
  syncEvery: 0,
  baseline: true,
  gradientSamples: 256
}

function configWith(patch: (c: WeightCompressionConfig) => void): WeightCompressionConfig {
  const c = structuredClone(weightCompressionDefaults)
  patch(c)
  return c
}

/** Published figures (thesis §3.6, §3.8, Fig. 3.1), shown beside the lab's. */
export const PUBLISHED_COMPRESSION = {
  fixedRecoveryBits: 8,
  dynamic: {
    c5: { rawBits: 6.8, rawRatio: 4.7, huffmanBits: 3.55, huffmanRatio: 9.01 },
    c6: { huffmanBits: 3.78, huffmanRatio: 8.47, fewerIterations: 0.2, effectiveRatio: 10.3 }
  },
  correlationMin: 0.75
} as const

export const weightCompressionTemplates: Template<WeightCompressionConfig>[] = [
  {
    id: 'weight-compression/fixed-quantisation',
    studyId: 'weight-compression',
    title: 'Accuracy vs quantisation bits',
    description: 'Thesis Fig. 3.1: the MLP 784-392-50-10 (tanh, MSE) with every layer quantised to N bits and decoded after every epoch, for N = 2 … 12, three seeds each, beside the uncompressed baseline. Expected: the baseline is recovered at about 8 bits; nothing is gained above 6–7.',
    config: configWith((c) => {
      c.compression = structuredClone(COMPRESSION_VARIANTS.fixed)
      c.epochs = 10
      c.gradientSamples = 0
    })
  },
  {
    id: 'weight-compression/dynamic-compression',
    studyId: 'weight-compression',
    title: 'Dynamic entropy compression',
    description: 'Thesis §3.6 and §3.8: Algorithms 1–2 after every epoch with M = 4, F = 3 % and floors c = 6 and 5, three seeds each, beside the uncompressed baseline; raw and Huffman bits per parameter, the entropy and gradient RMS of every layer and their correlation.',
    config: configWith(() => {})
  }
]

export const weightCompressionFields: Record<string, FieldMeta> = {
  dataset: { label: 'Data', help: 'A classification dataset of the library, split with the run\'s seed; every net sees the same batches.', group: 'Data' },
  'dataset.datasetId': { label: 'Dataset', help: 'The thesis used MNIST (the built-in 10 000-digit sample is always in the library).', group: 'Data', custom: true },
  'dataset.testFraction': { label: 'Test fraction', help: 'Share of the samples held out for the test accuracy.', group: 'Data', step: 0.05 },
  'dataset.validationFraction': { label: 'Validation fraction', help: 'Share held out to pick each net\'s best epoch (its test accuracy is read there, and that epoch is its convergence epoch).', group: 'Data', step: 0.05 },
  layers: { label: 'Hidden layers', help: 'The layer list every net uses (JSON; the output layer is added from the loss). Thesis: 784-392-50-10 with tanh on every neuron.', group: 'Network' },
  loss: { label: 'Loss', help: 'Thesis ch. 3: mean squared error on one-hot targets.', group: 'Network', choices: { mse: 'mean squared error', 'softmax-cross-entropy': 'softmax cross-entropy' } },
  ...optimizerFields('optimizer', 'Training', { learningRate: 'Step size, the same for every net (the thesis does not give its optimiser).' }),
  batchSize: { label: 'Batch size', help: 'Examples per step, the same batches for every net.', unit: 'examples', group: 'Training' },
  epochs: { label: 'Epochs', help: 'Passes over the training split (thesis: 100).', group: 'Training' },
  trials: { label: 'Trials', help: 'Independent initialisations; each arm of trial k starts from trial k\'s initial weights, like its baseline. Figures are medians over trials.', group: 'Training' },
  seed: { label: 'Seed', help: 'Seeds the split, the batch order, every trial\'s initial weights and the entropy samples.', group: 'Training' },
  checkpointEvery: { label: 'Checkpoint every N epochs', help: 'A resumable checkpoint of every net (weights and optimiser state) and of the study\'s bookkeeping; 0 = none. It holds all the nets: tens of MB for tens of MLPs.', unit: 'epochs', group: 'Training' },
  compression: { label: 'Compression', help: 'What every synchronisation point does to the weights.', group: 'Compression' },
  'compression.kind': {
    label: 'Mode',
    help: 'Fixed: every layer quantised to N bits (Fig. 3.1). Dynamic: Algorithm 1 — N = ⌈H + c⌉ from the layer\'s M-bit entropy, then Huffman coding (§3.6).',
    group: 'Compression',
    choices: { fixed: 'fixed N-bit quantisation', dynamic: 'dynamic entropy compression' },
    variants: COMPRESSION_VARIANTS
  },
  'compression.bits': { label: 'Bits per weight', help: 'One arm per value (Fig. 3.1: 2 … 30). Bins are 2^N equal steps over [w_min, w_max] of each layer; weights decode to bin centres.', unit: 'bits', group: 'Compression' },
  'compression.entropyBits': { label: 'Entropy bits M', help: 'The entropy H is measured on the weights quantised to M bits (thesis: 4); N then lies between c and c + M.', unit: 'bits', group: 'Compression', step: 1 },
  'compression.fraction': { label: 'Sampled fraction F', help: 'Fraction of each layer\'s weights the entropy is estimated on (thesis: 3 %).', group: 'Compression', step: 0.01 },
  'compression.floors': { label: 'Floors c', help: 'One arm per floor c in N = ⌈H + c⌉ (thesis: 6 in §3.6, 5 in §3.8); the first is the headline arm of the summary. Several give the accuracy and convergence epoch vs c.', unit: 'bits', group: 'Compression' },
  syncEvery: { label: 'Synchronise every N steps', help: 'How often the weights are quantised and decoded (what a data-parallel worker would send); 0 = once per epoch, as in the thesis\'s simulation.', unit: 'steps', group: 'Compression' },
  baseline: { label: 'Uncompressed baseline', help: 'Also train each trial\'s net without compression, from the same initial weights and batches.', group: 'Compression' },
  gradientSamples: { label: 'Gradient RMS samples', help: 'Training rows the gradient RMS G(l, e) of every layer is measured on after each epoch (dynamic mode, first trial of the headline arm); 0 = off, and no correlation.', unit: 'rows', group: 'Logging' }
}

function preset(id: string, title: string, description: string, base: WeightCompressionConfig, patch: (c: WeightCompressionConfig) => void = () => {}): Preset<WeightCompressionConfig> {
  const config = structuredClone(base)
  patch(config)
  return { id, title, description, config }
}

const paperDynamic = (c: WeightCompressionConfig) => {
  c.epochs = 100
  c.trials = 10
}

export const weightCompressionPresets: Preset<WeightCompressionConfig>[] = [
  preset('cpu', 'CPU-sized (default)', 'Built-in digits, 784-392-50-10 tanh + MSE, Adam 0.001, 30 epochs, dynamic compression after every epoch with M = 4, F = 3 %, c = 6 and 5, three trials and their baselines.', weightCompressionDefaults),
  preset('paper', 'Paper scale', 'The thesis\'s 100 epochs, ten trials (it ran ~1 500), c = 6 and 5. Import all 60 000 MNIST digits for the thesis\'s data; estimated hours on 2 cores (the editor shows this machine\'s estimate).', weightCompressionDefaults, paperDynamic)
]

const FIXED_PAPER_BITS = [2, 3, 4, 5, 6, 7, 8, 10, 12, 16, 20, 24, 30]

export const weightCompressionCards: GalleryCard[] = [
  templateCard(
    'weight-compression',
    weightCompressionTemplates[0],
    {
      figure: 'Thesis Fig. 3.1',
      expected: 'Fixed quantisation recovers the baseline at 8 bits; nothing gained above 6–7 bits.',
      cpu: 'Built-in digits, MLP 784-392-50-10 tanh + MSE, Adam, 10 epochs, bits 2, 3, 4, 5, 6, 7, 8, 10, 12 × 3 seeds, plus the baselines (30 nets side by side).',
      paper: 'Bits 2 … 30 (13 widths) × 10 seeds, 100 epochs (the thesis: ~1 500 runs) — hours on 2 cores.'
    },
    {
      patch: (c) => {
        c.compression = { kind: 'fixed', bits: FIXED_PAPER_BITS }
        c.epochs = 100
        c.trials = 10
      }
    }
  ),
  templateCard(
    'weight-compression',
    weightCompressionTemplates[1],
    {
      figure: 'Thesis §3.6 and §3.8',
      expected: 'c = 5, M = 4: 6.8 bits/param raw (×4.70), 3.55 after Huffman (×9.01); c = 6, M = 4: 3.78 bits/param (×8.47), generalising better than the baseline and converging in 20 % fewer iterations (≈ ×10.3 effective); correlation of log(G + 1) with H > 0.75.',
      cpu: 'Built-in digits, 784-392-50-10 tanh + MSE, Adam, 30 epochs, M = 4, F = 3 %, c = 6 and 5 after every epoch, three trials and their baselines (9 nets).',
      paper: '100 epochs, ten trials, c = 6 and 5 — hours on 2 cores.'
    },
    { patch: paperDynamic }
  )
]

const descriptor: StudyDescriptor<WeightCompressionConfig> = {
  id: 'weight-compression',
  title: 'Weight entropy and dynamic compression',
  summary: 'Nets whose weights are quantised (fixed N bits, or N = ⌈H + c⌉ from their entropy) and Huffman-coded at every synchronisation point, beside uncompressed baselines from the same seeds.',
  source: 'Øland 2024 thesis, ch. 3 (Algorithms 1–2, Fig. 3.1, §3.6, §3.8)',
  configSchema: weightCompressionConfigSchema,
  defaults: weightCompressionDefaults,
  templates: weightCompressionTemplates,
  fields: weightCompressionFields,
  presets: weightCompressionPresets,
  outputs: [
    { id: 'accuracy-vs-arm', kind: 'boxplot', key: 'compression/accuracy', title: 'Test accuracy per arm (box over seeds)', help: 'Each net\'s test accuracy at its best validation epoch so far; one box per bit width or floor c, the uncompressed baseline\'s median as a line (thesis Fig. 3.1).' },
    { id: 'bits', kind: 'scalars', keys: ['bits/raw', 'bits/huffman'], title: 'Bits per parameter (headline arm)', yLabel: 'bits per parameter', help: 'At every synchronisation point, median over trials of the headline arm: N (raw) and Σ p·len of the Huffman code (thesis §3.6, §3.8).' },
    { id: 'ratio', kind: 'scalars', keys: ['compression/ratio', 'compression/ratio_raw'], title: 'Compression ratio (headline arm)', yLabel: '32 bits ÷ bits per parameter', help: 'Of float32 weights sent as the Huffman stream (ratio) or as raw N-bit indices (ratio_raw).' },
    { id: 'arm-bits', kind: 'scalars', keys: ['*/bits/huffman'], title: 'Huffman bits per parameter per arm', yLabel: 'bits per parameter', help: 'Median over trials at every synchronisation point.' },
    { id: 'entropy', kind: 'scalars', keys: ['entropy/*'], title: 'Weight entropy H per layer', yLabel: 'entropy of the M-bit weights (bits)', help: 'H of Algorithm 1 at every synchronisation point, first trial of the headline arm (dynamic mode).' },
    { id: 'grad-rms', kind: 'scalars', keys: ['grad_rms/*'], title: 'Gradient RMS G(l, e) per layer', logScale: true, yLabel: 'RMS of ∂ℒ/∂W', help: 'After every epoch on a fixed subset of training rows, same net as the entropy; thesis §3.5 correlates log(G + 1) with H.' },
    { id: 'floors-accuracy', kind: 'curves', key: 'floors/accuracy', title: 'Accuracy vs floor c', help: 'Median test accuracy at the best validation epoch per floor c, with the baseline\'s (dynamic mode, written at the end).' },
    { id: 'floors-epoch', kind: 'curves', key: 'floors/epoch', title: 'Convergence epoch vs floor c', help: 'Median epoch of the best validation accuracy per floor c, with the baseline\'s (dynamic mode, written at the end).' },
    { id: 'test-accuracy', kind: 'scalars', keys: ['*/*/test/accuracy'], title: 'Test accuracy of every net', percent: true, yLabel: 'accuracy' },
    { id: 'val-accuracy', kind: 'scalars', keys: ['*/*/val/accuracy'], title: 'Validation accuracy of every net', percent: true, yLabel: 'accuracy', help: 'Each net\'s best epoch is chosen on it.' },
    { id: 'loss', kind: 'scalars', keys: ['*/*/val/loss', '*/*/test/loss'], title: 'Loss of every net', logScale: true, yLabel: 'loss' },
    { id: 'table', kind: 'table', key: 'compression/table', title: 'Lab vs thesis', help: 'The run\'s figures beside the thesis\'s (written at the end).' }
  ],
  trainsNetwork: true,
  members: (c) => (c?.compression ? probedMembers(allArms(c)) : []),
  estimate: (c, library) => estimateArms(c, memberCount(c), library)
}

export const weightCompressionStudy: StudyDescriptor<WeightCompressionConfig> = { ...descriptor, cards: weightCompressionCards }
