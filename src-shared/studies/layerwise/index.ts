/**
 * Study `layerwise` (thesis ch. 6; spec `layerwise.md`): deep layer-wise learning. The network's hidden layers
 * are cut into blocks (a weighted layer with the pooling / dropout / normalisation after it); Algorithm 3 trains
 * one block (or a segment of consecutive blocks) at a time under a temporary decision head on the real labels, on
 * the output of the frozen blocks below (the "feednet", recomputed per batch), then moves up. Arms beside it:
 * random / round robin (Algorithm 4: rounds, each block keeping its head and optimiser state) and full backprop of
 * the same network on the same batches. Per block: test accuracy under its head, seconds and peak tensor memory
 * (the backend's count, feednet included); per layer the stable rank ‖W‖_F² / ‖W‖₂² of every arm.
 * Runner: src-main/engine/studies/layerwise/.
 */
import { z } from 'zod'
import { templateCard, type GalleryCard } from '../../gallery/cards'
import { dense, layerSchema, type Layer } from '../../network/layers'
import { estimateWorkload, layerListCost, type DataShape, type ResourceEstimate } from '../../training/estimate'
import { optimizerFields, optimizerSchema, sgd } from '../../training/optimizer'
import type { FieldMeta, Preset, StudyDescriptor, Template } from '../descriptor'
import { datasetSchema, type DatasetSpec } from '../training/config'
import { BUILTIN_MNIST_ID, SMALL_CNN, trainingFields } from '../training/descriptor'

export const LAYERWISE_ARMS = ['dll', 'round-robin', 'backprop'] as const
export type LayerwiseArm = (typeof LAYERWISE_ARMS)[number]

const rate = z.number().min(0).max(0.95)

export const layerwiseConfigSchema = z
  .strictObject({
    dataset: datasetSchema,
    /** Hidden layers (the output layer is added); blocks start at each dense / conv layer. */
    layers: z.array(layerSchema).min(1).max(1000),
    /** The decision head's hidden layers under every trained block ([] = one affine layer, the thesis's CNN). */
    head: z.array(layerSchema).max(4),
    arms: z.array(z.enum(LAYERWISE_ARMS)).min(1).max(3),
    optimizer: optimizerSchema,
    weightDecay: z.number().min(0).max(1),
    batchSize: z.number().int().min(1).max(65_536),
    /** Blocks trained at a time (1 = layer-wise) and the stride between segments (≤ subnet; < subnet overlaps). */
    subnet: z.number().int().min(1).max(1000),
    stride: z.number().int().min(1).max(1000),
    /** Epochs per segment: the i-th segment trains epochs[i], the last value repeats. */
    epochs: z.array(z.number().int().min(1).max(10_000)).min(1).max(1000),
    /** LR_i = LR₀ · lrDecay^i and WD_i = WD₀ · wdGrowth^i at the i-th segment (thesis: 0.8 and 1.15). */
    lrDecay: z.number().min(0.01).max(10),
    wdGrowth: z.number().min(0.01).max(10),
    /** Input dropout on the trained segment: p(e) = p₀ · decay^(e−1) at its e-th epoch (0 = off). */
    forwardDropout: rate,
    forwardDropoutDecay: z.number().min(0).max(1),
    /** Dropout on the gradient from the head into the trained segment (identity forward). */
    gradientDropout: rate,
    /** Round robin: rounds, epochs per visit, visiting order. */
    rounds: z.number().int().min(1).max(1000),
    epochsPerVisit: z.number().int().min(1).max(1000),
    order: z.enum(['random', 'fixed']),
    /** Full backprop of the whole network. */
    backpropEpochs: z.number().int().min(1).max(10_000),
    /** Backprop also of the network cut after its first d blocks, for each d (where does end-to-end training fail?). */
    backpropDepths: z.array(z.number().int().min(1).max(1000)).max(12),
    seed: z.number().int().min(0).max(2 ** 31 - 1),
    reference: z.enum(['mnist', 'fashion-mnist', 'kmnist', 'deep-mlp', 'none'])
  })
  .superRefine((c, ctx) => {
    if (new Set(c.arms).size !== c.arms.length) ctx.addIssue({ code: 'custom', path: ['arms'], message: 'each arm once' })
    if (c.stride > c.subnet) ctx.addIssue({ code: 'custom', path: ['stride'], message: `the stride must be at most the subnet size (${c.subnet}): a larger one would skip blocks` })
    const blocks = layerBlocks(c.layers).length
    if (blocks === 0) ctx.addIssue({ code: 'custom', path: ['layers'], message: 'the network needs at least one dense or conv layer to train layer-wise' })
    else if (c.subnet > blocks) ctx.addIssue({ code: 'custom', path: ['subnet'], message: `the network has ${blocks} blocks; a segment cannot hold ${c.subnet}` })
    const deep = c.backpropDepths.find((d) => d > blocks)
    if (deep !== undefined) ctx.addIssue({ code: 'custom', path: ['backpropDepths'], message: `the network has ${blocks} blocks; it cannot be cut after ${deep}` })
    if (new Set(c.backpropDepths).size !== c.backpropDepths.length) ctx.addIssue({ code: 'custom', path: ['backpropDepths'], message: 'each depth once' })
  })

export type LayerwiseConfig = z.infer<typeof layerwiseConfigSchema>

const WEIGHTED: ReadonlySet<Layer['type']> = new Set(['dense', 'conv2d'])

/**
 * The blocks of a layer list, as index lists: each dense / conv layer starts one; the layers after it that carry no
 * weight matrix (pooling, dropout, batch norm, flatten) join it, as do any before the first weighted layer.
 */
export function layerBlocks(layers: readonly Pick<Layer, 'type'>[]): number[][] {
  const blocks: number[][] = []
  let lead: number[] = []
  layers.forEach((l, i) => {
    if (WEIGHTED.has(l.type)) blocks.push([...lead, i])
    else if (blocks.length) blocks.at(-1)!.push(i)
    else lead.push(i)
    if (blocks.length) lead = []
  })
  return blocks
}

/** Segments of `blocks` blocks: `subnet` consecutive ones every `stride`, the last ending at the top. */
export function segments(blocks: number, subnet: number, stride: number): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = []
  for (let start = 0; ; start += stride) {
    const end = Math.min(start + subnet, blocks)
    out.push({ start: Math.min(start, end - 1), end })
    if (end >= blocks) break
  }
  return out
}

/** Epochs of the i-th segment (the last listed value repeats). */
export const epochsOf = (c: Pick<LayerwiseConfig, 'epochs'>, i: number): number => c.epochs[Math.min(i, c.epochs.length - 1)]

/** Thesis Table 6.1 (test accuracy, vanilla CNN-4, no augmentation) and the ch. 6 depth claim. */
export const PUBLISHED_LAYERWISE = {
  mnist: { backprop: 0.9954, dll: 0.9958 },
  kmnist: { backprop: 0.9709, dll: 0.9672 },
  'fashion-mnist': { backprop: 0.9202, dll: 0.922 },
  'deep-mlp': { claim: 'a 1 000-layer narrow MLP trains layer-wise on MNIST; full backprop fails past ≈ 15–25 layers' },
  none: {}
} as const

const digits: DatasetSpec = { kind: 'stored', datasetId: BUILTIN_MNIST_ID, testFraction: 0.2, validationFraction: 0 }

export const layerwiseDefaults: LayerwiseConfig = {
  dataset: digits,
  layers: structuredClone(SMALL_CNN),
  head: [],
  arms: ['dll', 'backprop'],
  optimizer: sgd(0.05, 0.9),
  weightDecay: 8e-5,
  batchSize: 128,
  subnet: 1,
  stride: 1,
  epochs: [5],
  lrDecay: 0.8,
  wdGrowth: 1.15,
  forwardDropout: 0,
  forwardDropoutDecay: 0.95,
  gradientDropout: 0,
  rounds: 2,
  epochsPerVisit: 1,
  order: 'random',
  backpropEpochs: 10,
  backpropDepths: [],
  seed: 1,
  reference: 'mnist'
}

const DEEP_DEPTH = 100
const deepMlp: LayerwiseConfig = {
  ...structuredClone(layerwiseDefaults),
  layers: Array.from({ length: DEEP_DEPTH }, () => dense(32, 'relu')),
  optimizer: sgd(0.05, 0.9),
  weightDecay: 0,
  epochs: [1],
  lrDecay: 1,
  wdGrowth: 1,
  backpropEpochs: 10,
  backpropDepths: [5, 10, 15, 20, 25, 30, 50],
  reference: 'deep-mlp'
}

export const layerwiseTemplates: Template<LayerwiseConfig>[] = [
  {
    id: 'layerwise/dll-cnn',
    studyId: 'layerwise',
    title: 'Deep layer-wise learning vs backprop (Table 6.1)',
    description: 'Thesis Table 6.1 at CPU scale: the small CNN on the built-in digits trained block by block under an affine head on the frozen feednet (5 epochs a block, LR 0.05 · 0.8^i, WD 8e-5 · 1.15^i), beside full backprop of the same network for 10 epochs on the same batches: test accuracy per block (the best marked), seconds, and peak tensor memory of each against backprop\'s. Choose an imported Fashion-MNIST for the table\'s third row.',
    config: structuredClone(layerwiseDefaults)
  },
  {
    id: 'layerwise/deep-mlp',
    studyId: 'layerwise',
    title: `${DEEP_DEPTH}-layer narrow MLP trained layer-wise`,
    description: `The thesis's depth claim at CPU scale: ${DEEP_DEPTH} dense layers of 32 ReLU units on the built-in digits, trained one layer at a time (1 epoch each, SGD 0.05 with momentum) next to full backprop of the same network for 10 epochs, and backprop of its first 5, 10, 15, 20, 25, 30 and 50 layers. The thesis says backprop fails past ≈ 15–25 layers and layer-wise training works at 1 000: a claim to test.`,
    config: structuredClone(deepMlp)
  }
]

const fields: Record<string, FieldMeta> = {
  ...Object.fromEntries(Object.entries(trainingFields).filter(([k]) => k === 'dataset' || k.startsWith('dataset.'))),
  layers: { label: 'Hidden layers', help: 'The network (JSON layer list; the output layer is added). Blocks start at each dense / conv layer; pooling, dropout and batch norm after it belong to its block.', group: 'Network' },
  head: { label: 'Decision block', help: 'Hidden layers of the temporary head put on each trained block ([] = one affine layer, as the thesis did for its CNN; e.g. [{"type":"dense","units":64,"activation":"relu"}] for a small decision block).', group: 'Network' },
  arms: { label: 'Arms', help: 'dll: Algorithm 3 (bottom-up, each block once). round-robin: Algorithm 4 (rounds visiting every block, each keeping its head and optimiser state). backprop: the whole network end to end, the baseline of accuracy and memory.', group: 'Training' },
  ...optimizerFields('optimizer', 'Training', { learningRate: 'The base rate LR₀ (Table 6.1: 0.05); segment i trains at LR₀ · factor^i, each segment with an optimiser of its own.', momentum: 'SGD momentum; 0 = plain SGD.' }),
  weightDecay: { label: 'Weight decay', help: 'L2 on the kernels; Table 6.1: 8e-5 (the base WD₀ of the per-segment schedule).', group: 'Training' },
  batchSize: { label: 'Batch size', help: 'Examples per step, the same for every arm (memory is compared at the same batch).', unit: 'examples', group: 'Training' },
  subnet: { label: 'Blocks per segment', help: 'How many consecutive blocks train at a time (1 = layer-wise).', group: 'Layer-wise' },
  stride: { label: 'Segment stride', help: 'Blocks between the starts of consecutive segments (= blocks per segment: disjoint; smaller: segment-wise with overlap).', group: 'Layer-wise' },
  epochs: { label: 'Epochs per segment', help: 'The i-th segment trains for the i-th value; the last repeats (Table 6.1: 30, 40, 50, then 60).', group: 'Layer-wise' },
  lrDecay: { label: 'LR factor per segment', help: 'LR_i = LR₀ · factor^i (thesis Table 6.3: 0.8).', group: 'Layer-wise' },
  wdGrowth: { label: 'WD factor per segment', help: 'WD_i = WD₀ · factor^i (thesis Table 6.3: 1.15).', group: 'Layer-wise' },
  forwardDropout: { label: 'Input dropout p₀', help: 'Dropout on the trained segment\'s input at its first epoch, decaying per epoch (thesis Table 6.3\'s "dropout"); 0 = off.', group: 'Regularisation' },
  forwardDropoutDecay: { label: 'Input dropout decay', help: 'p(e) = p₀ · decay^(e−1) (thesis: 0.95).', group: 'Regularisation' },
  gradientDropout: { label: 'Gradient dropout', help: 'Dropout on the gradient from the head into the trained segment: identity forward, masked backward, kept entries scaled by 1/(1 − p) so the expected gradient is unchanged (thesis "grad noise", 0.3–0.6); 0 = off.', group: 'Regularisation' },
  rounds: { label: 'Rounds', help: 'Round robin: how many times every block is visited.', group: 'Round robin' },
  epochsPerVisit: { label: 'Epochs per visit', help: 'Round robin: epochs of each block at each visit.', group: 'Round robin' },
  order: { label: 'Order', help: 'Round robin: a fresh random order of the blocks each round (seeded), or bottom-up every round.', group: 'Round robin', choices: { random: 'random', fixed: 'bottom-up' } },
  backpropEpochs: { label: 'Backprop epochs', help: 'Epochs of the full-backprop baseline (Table 6.1: 100).', group: 'Backprop' },
  backpropDepths: { label: 'Backprop at depths', help: 'Also train by backprop the network cut after its first d blocks (the same epochs), for each d: the depth at which end-to-end training stops working (the thesis: ≈ 15–25 layers for a narrow MLP).', group: 'Backprop' },
  seed: { label: 'Seed', help: 'Seeds the split, the batch order and the initial weights (the same for every arm).', group: 'Training' },
  reference: { label: 'Published numbers', help: 'Which thesis result the table shows beside the lab\'s.', group: 'Logging', choices: { mnist: 'Table 6.1, MNIST', 'fashion-mnist': 'Table 6.1, Fashion-MNIST', kmnist: 'Table 6.1, KMNIST', 'deep-mlp': 'ch. 6, the depth claim', none: 'none' } }
}

/** Memory of the whole network (backprop's bound) and the compute of every arm. */
export function estimateLayerwise(c: LayerwiseConfig, library?: DataShape | null): ResourceEstimate | null {
  const shape: DataShape | null = c.dataset.kind === 'stored' ? (library ?? null) : { n: (c.dataset as { n: number }).n, sample: [2], classes: 2, uint8: false }
  if (!shape) return null
  const cost = layerListCost(c.layers, shape.sample, shape.classes)
  if (!cost) return null
  const nTest = Math.max(1, Math.round(c.dataset.testFraction * shape.n))
  const nVal = Math.round(c.dataset.validationFraction * shape.n)
  const train = Math.max(0, shape.n - nTest - nVal)
  const segs = segments(layerBlocks(c.layers).length, c.subnet, c.stride)
  // Layer-wise: each segment's epochs run the feednet and the segment, at most the whole network's forward cost.
  const dllEpochs = c.arms.includes('dll') ? segs.reduce((s, _, i) => s + epochsOf(c, i), 0) : 0
  const rrEpochs = c.arms.includes('round-robin') ? c.rounds * segs.length * c.epochsPerVisit : 0
  const bpEpochs = c.arms.includes('backprop') ? c.backpropEpochs * (1 + c.backpropDepths.length) : 0
  return estimateWorkload({
    cost,
    n: shape.n,
    dims: shape.sample.reduce((a, b) => a * b, 1),
    classes: shape.classes,
    uint8: shape.uint8,
    trainSamples: train,
    evalSamples: nTest + nVal,
    evalChunk: 500,
    batchSize: c.batchSize,
    epochs: Math.max(1, dllEpochs + rrEpochs + bpEpochs),
    optimizerSlots: c.optimizer.kind === 'adam' ? 2 : c.optimizer.momentum > 0 ? 1 : 0
  })
}

const paperCnn = (c: LayerwiseConfig) => {
  c.layers = [
    { type: 'conv2d', filters: 64, kernelSize: 3, strides: 1, padding: 'same', activation: 'relu' },
    { type: 'conv2d', filters: 64, kernelSize: 3, strides: 1, padding: 'same', activation: 'relu' },
    { type: 'maxpool2d', poolSize: 2, strides: 2, padding: 'valid' },
    { type: 'conv2d', filters: 128, kernelSize: 3, strides: 1, padding: 'same', activation: 'relu' },
    { type: 'conv2d', filters: 128, kernelSize: 3, strides: 1, padding: 'same', activation: 'relu' },
    { type: 'maxpool2d', poolSize: 2, strides: 2, padding: 'valid' }
  ]
  c.epochs = [30, 40, 50, 60]
  c.backpropEpochs = 100
}
const paperDeep = (c: LayerwiseConfig) => {
  c.layers = Array.from({ length: 1000 }, () => dense(32, 'relu'))
  c.epochs = [1]
  c.backpropEpochs = 20
}

function preset(id: string, title: string, description: string, base: LayerwiseConfig, patch: (c: LayerwiseConfig) => void = () => {}): Preset<LayerwiseConfig> {
  const config = structuredClone(base)
  patch(config)
  return { id, title, description, config }
}

export const layerwisePresets: Preset<LayerwiseConfig>[] = [
  preset('cpu', 'CPU-sized (default)', 'Built-in digits, the small CNN (conv 16 → pool → conv 32 → pool → dense 64), 5 epochs a block, backprop 10 epochs — about a minute on 2 cores.', layerwiseDefaults),
  preset('paper', 'Paper scale (Table 6.1)', 'A 4-conv CNN (64-64-pool-128-128-pool), blocks trained 30 / 40 / 50 / 60 epochs, backprop 100 epochs, batch 128, SGD 0.05, WD 8e-5; import all of MNIST or Fashion-MNIST — many hours on 2 cores.', layerwiseDefaults, paperCnn),
  preset('deep', `Deep narrow MLP (${DEEP_DEPTH} layers)`, `${DEEP_DEPTH} × 32 ReLU, one epoch a layer, next to 10 epochs of backprop.`, deepMlp)
]

export const layerwiseCards: GalleryCard[] = [
  templateCard(
    'layerwise',
    layerwiseTemplates[0],
    {
      figure: 'Thesis Table 6.1 (and the memory column of Table 6.2)',
      expected: 'Vanilla CNN: MNIST 99.54 → DLL 99.58 %, KMNIST 97.09 → 96.72 %, Fashion-MNIST 92.02 → 92.20 %; DLL at ≈ 30 % of backprop\'s memory on GPU-scale nets.',
      cpu: 'Built-in digits (8 000 training rows), conv 16 → pool → conv 32 → pool → dense 64, SGD 0.05 + momentum, batch 128, 5 epochs a block vs 10 epochs of backprop.',
      paper: 'Table 6.1\'s settings: a 4-conv CNN, blocks 30 / 40 / 50 / 60 epochs, backprop 100 epochs, batch 128, LR 0.05, WD 8e-5, on all of MNIST / Fashion-MNIST (imported) — many hours on 2 cores.'
    },
    { patch: paperCnn }
  ),
  templateCard(
    'layerwise',
    layerwiseTemplates[1],
    {
      figure: 'Thesis ch. 6, the depth claim',
      expected: 'Layer-wise training works at 1 000 layers where full backprop fails past ≈ 15–25 layers.',
      cpu: `${DEEP_DEPTH} × 32 ReLU on the built-in digits, 1 epoch a layer; backprop 10 epochs at depths 5–50 and ${DEEP_DEPTH}.`,
      paper: '1 000 × 32 ReLU, 1 epoch a layer (the feednet grows to 999 layers: hours on 2 cores), backprop 20 epochs.'
    },
    { patch: paperDeep }
  )
]

export const layerwiseStudy: StudyDescriptor<LayerwiseConfig> = {
  id: 'layerwise',
  title: 'Deep layer-wise learning',
  summary: 'A network trained block by block under temporary decision heads on a frozen feednet (and round robin), beside full backprop: accuracy per block, time, peak tensor memory and stable rank.',
  source: 'Øland 2024 thesis, ch. 6 (Algorithms 3–4, Tables 6.1–6.3)',
  configSchema: layerwiseConfigSchema,
  defaults: layerwiseDefaults,
  templates: layerwiseTemplates,
  fields,
  presets: layerwisePresets,
  outputs: [
    { id: 'table', kind: 'table', key: 'layerwise/table', title: 'Per block: accuracy, time and memory, beside backprop and the thesis', help: 'Test accuracy under each block\'s head after training it (★ = the best, "online pruning"), its seconds, and the peak tensor bytes while training it (the backend\'s count: feednet weights, the segment and its head, the batch, activations, gradients, optimiser state) against full backprop\'s on the same batch.' },
    { id: 'per-layer', kind: 'curves', key: 'layerwise/accuracy', title: 'Test accuracy by depth', help: 'layer-wise: under each block\'s own head after training it; round robin: under its head after the last round; backprop: the whole network (a line), and "d blocks": the network cut after d blocks, trained end to end, at each chosen depth d.' },
    { id: 'memory', kind: 'curves', key: 'layerwise/memory', title: 'Peak tensor memory per block', help: 'MB held at the high-water mark of a training step, per block, and backprop\'s for the whole network.' },
    { id: 'stable-rank', kind: 'curves', key: 'layerwise/stable-rank', title: 'Stable rank ‖W‖_F² / ‖W‖₂² per layer', help: 'Of every weighted hidden layer at the end of each arm (conv kernels as fan-in × filters matrices).' },
    { id: 'progress', kind: 'scalars', keys: ['epochs/*/test/accuracy'], title: 'Test accuracy over epochs of training', percent: true, yLabel: 'accuracy', help: 'x = epochs trained. Layer-wise: the current block\'s head after each of its epochs (epochs of all blocks counted in turn); round robin: the top block\'s head after each round; backprop: the network.' },
    { id: 'block-curves', kind: 'scalars', keys: ['dll/*/test/accuracy'], title: 'Test accuracy while each block trains', percent: true, yLabel: 'accuracy' },
    { id: 'block-loss', kind: 'scalars', keys: ['dll/*/test/loss', 'backprop/test/loss'], title: 'Test loss', logScale: true, yLabel: 'loss' },
    { id: 'backprop', kind: 'scalars', keys: ['backprop/test/accuracy'], title: 'Backprop test accuracy', percent: true, yLabel: 'accuracy' }
  ],
  trainsNetwork: false,
  cards: layerwiseCards,
  estimate: (c, library) => estimateLayerwise(c, library)
}
