/**
 * Study `k-filtering` (thesis ch. 5 §5.4; spec `representations.md`): drop the training samples whose k nearest
 * neighbours (in input space) all share their class, train the same network from the same initial weights on
 * what is kept, and compare the test accuracy with the unfiltered baseline (Table 5.1) — optionally for several
 * optimisers. On 2-D data (the checkerboard conundrum, §5.4.2) it also draws the data before / after filtering,
 * the quiver of −∂ℒ/∂x at the training points over training and a unit's correlation filter (§5.5).
 * The test (and validation) sets are never filtered. Runner: src-main/engine/studies/k-filtering/.
 */
import { z } from 'zod'
import { templateCard, type GalleryCard } from '../../gallery/cards'
import { dense, layerSchema } from '../../network/layers'
import { adam, optimizerSchema, sgd } from '../../training/optimizer'
import { layerListCost, estimateWorkload, type DataShape, type ResourceEstimate } from '../../training/estimate'
import type { FieldMeta, Preset, StudyDescriptor, Template } from '../descriptor'
import { datasetSchema, DATASET_VARIANTS, type DatasetSpec } from '../training/config'
import { BUILTIN_MNIST_ID, SMALL_CNN, trainingFields } from '../training/descriptor'

export const KF_LOSSES = ['softmax-cross-entropy', 'mse'] as const

export const kFilteringConfigSchema = z
  .strictObject({
    dataset: datasetSchema,
    layers: z.array(layerSchema).min(1).max(16),
    loss: z.enum(KF_LOSSES),
    /** One arm per optimiser (the first is the headline); each trains the baseline and every k. */
    optimizers: z.array(optimizerSchema).min(1).max(4),
    /** One arm per k besides the unfiltered baseline. */
    ks: z.array(z.number().int().min(1).max(200)).max(8),
    /** Neighbours searched within consecutive chunks of this many (shuffled) training rows; 0 = all of them. */
    chunk: z.number().int().min(0).max(100_000),
    batchSize: z.number().int().min(1).max(65_536),
    epochs: z.number().int().min(1).max(10_000),
    seed: z.number().int().min(0).max(2 ** 31 - 1),
    /** The published rows shown beside the lab's. */
    reference: z.enum(['mnist', 'fashion-mnist', 'checkerboard', 'none']),
    /** 2-D data: the quiver of −∂ℒ/∂x every N epochs (0 = off). */
    quiverEvery: z.number().int().min(0).max(10_000),
    /** 2-D data: the correlation filter of this unit of the first hidden layer at the end (−1 = off). */
    filterUnit: z.number().int().min(-1).max(4096)
  })
  .superRefine((c, ctx) => {
    if (new Set(c.ks).size !== c.ks.length) ctx.addIssue({ code: 'custom', path: ['ks'], message: 'each k once' })
    if (c.chunk > 0 && c.ks.some((k) => k >= c.chunk)) ctx.addIssue({ code: 'custom', path: ['chunk'], message: `chunks must hold more than k = ${Math.max(...c.ks)} rows` })
    const names = c.optimizers.map(optimizerName)
    if (new Set(names).size !== names.length) ctx.addIssue({ code: 'custom', path: ['optimizers'], message: 'each optimiser kind once (arms are named by it)' })
  })

export type KFilteringConfig = z.infer<typeof kFilteringConfigSchema>

export function optimizerName(o: { kind: string }): string {
  return o.kind
}

/** Data variants: the baseline and one per k. */
export function dataArms(c: Pick<KFilteringConfig, 'ks'>): string[] {
  return ['baseline', ...c.ks.map((k) => `k${k}`)]
}

/** Arm names: `<data>` for one optimiser, `<optimiser>/<data>` for several. */
export function armNames(c: Pick<KFilteringConfig, 'ks' | 'optimizers'>): string[] {
  const data = dataArms(c)
  if (c.optimizers.length === 1) return data
  return c.optimizers.flatMap((o) => data.map((d) => `${optimizerName(o)}/${d}`))
}

/** Thesis Table 5.1 (test accuracy, kept fraction) and the §5.4.2 claim. */
export const PUBLISHED_KF = {
  mnist: { baseline: { accuracy: 0.9954, kept: 1 }, k10: { accuracy: 0.9943, kept: 0.34 }, k20: { accuracy: 0.995, kept: 0.53 } },
  'fashion-mnist': { baseline: { accuracy: 0.9202, kept: 1 }, k10: { accuracy: 0.9155, kept: 0.56 }, k20: { accuracy: 0.9189, kept: 0.69 }, k42: { accuracy: 0.9225, kept: 0.8 } },
  checkerboard: { claim: 'SGD on an MLP stalls at 51–53 % training accuracy whatever the hyper-parameters; after k-filtering the MLP fits the board' },
  none: {}
} as const

const mnistDataset: DatasetSpec = { kind: 'stored', datasetId: BUILTIN_MNIST_ID, testFraction: 0.2, validationFraction: 0.1 }

export const kFilteringDefaults: KFilteringConfig = {
  dataset: mnistDataset,
  layers: structuredClone(SMALL_CNN),
  loss: 'softmax-cross-entropy',
  optimizers: [adam(0.001)],
  ks: [10, 20, 42],
  chunk: 2000,
  batchSize: 64,
  epochs: 6,
  seed: 1,
  reference: 'mnist',
  quiverEvery: 0,
  filterUnit: -1
}

const checkerboardConfig: KFilteringConfig = {
  dataset: { ...(structuredClone(DATASET_VARIANTS.checkerboard) as Extract<DatasetSpec, { kind: 'checkerboard' }>), n: 5000, cells: 8, noise: 0, testFraction: 0.2, validationFraction: 0.1 },
  layers: [dense(128, 'relu'), dense(128, 'relu'), dense(128, 'relu')],
  loss: 'softmax-cross-entropy',
  optimizers: [sgd(0.01, 0), adam(0.003)],
  ks: [5],
  chunk: 0,
  batchSize: 32,
  epochs: 60,
  seed: 1,
  reference: 'checkerboard',
  quiverEvery: 10,
  filterUnit: 0
}

export const kFilteringTemplates: Template<KFilteringConfig>[] = [
  {
    id: 'representations/k-filtering',
    studyId: 'k-filtering',
    title: 'k-filtering (Table 5.1)',
    description: 'Thesis Table 5.1 at CPU scale: the small CNN on the built-in digits trained on all training rows and on the rows kept by k-filtering with k = 10, 20 and 42 (neighbours in chunks of 2 000), from the same initial weights, tested on the unfiltered test set, the thesis\'s numbers beside.',
    config: structuredClone(kFilteringDefaults)
  },
  {
    id: 'representations/checkerboard-conundrum',
    studyId: 'k-filtering',
    title: 'The checkerboard conundrum',
    description: 'Thesis §5.4.2: 5 000 points on an 8 × 8 board, an MLP 3 × 128 ReLU trained by plain SGD and by Adam, on all points and after k-filtering (k = 5), with the accuracy on the filtered and the full training set, the data before and after filtering, −∂ℒ/∂x at the training points every 10 epochs and unit 0\'s correlation filter. The thesis claims SGD stalls at 51–53 % and fits after filtering: a claim to test.',
    config: structuredClone(checkerboardConfig)
  }
]

const fields: Record<string, FieldMeta> = {
  ...Object.fromEntries(Object.entries(trainingFields).filter(([k]) => k === 'dataset' || k.startsWith('dataset.'))),
  layers: { label: 'Hidden layers', help: 'The layer list every net uses (JSON; the output layer is added from the loss). Table 5.1: a 4-layer CNN; §5.4.2: an MLP.', group: 'Network' },
  loss: { label: 'Loss', help: 'The training loss of every net.', group: 'Network', choices: { 'softmax-cross-entropy': 'softmax cross-entropy', mse: 'mean squared error' } },
  optimizers: { label: 'Optimisers', help: 'One arm per optimiser (JSON list, e.g. [{"kind":"sgd","learningRate":0.01,"momentum":0}]); each trains the baseline and every k. The first is the headline of the summary.', group: 'Training' },
  ks: { label: 'k', help: 'One filtered arm per k: a training sample is dropped when its k nearest neighbours (Euclidean, input space) all share its class (Table 5.1: 10, 20; 42 was best on Fashion-MNIST).', group: 'Filtering' },
  chunk: { label: 'Neighbour chunk', help: 'Neighbours are searched within consecutive chunks of this many shuffled training rows; 0 = all of them. The thesis ran kNN on mini-batches; chunks of ≈ 6 000 reproduce its kept fractions better than the whole set.', unit: 'rows', group: 'Filtering' },
  batchSize: { label: 'Batch size', help: 'Examples per step.', unit: 'examples', group: 'Training' },
  epochs: { label: 'Epochs', help: 'Passes over each arm\'s (filtered) training rows: a filtered arm takes fewer steps per epoch.', group: 'Training' },
  seed: { label: 'Seed', help: 'Seeds the data, the split, the batch order and the initial weights (the same for every arm).', group: 'Training' },
  reference: { label: 'Published numbers', help: 'Which of the thesis\'s results the table shows beside the lab\'s.', group: 'Logging', choices: { mnist: 'Table 5.1, MNIST', 'fashion-mnist': 'Table 5.1, Fashion-MNIST', checkerboard: '§5.4.2, the checkerboard claim', none: 'none' } },
  quiverEvery: { label: 'Quiver every N epochs', help: '2-D data only: −∂ℒ/∂x at up to 1 000 training points of the headline optimiser\'s baseline and first filtered arm (thesis Fig. 5.16); 0 = off.', unit: 'epochs', group: 'Logging' },
  filterUnit: { label: 'Correlation filter unit', help: '2-D data only: the unit of the first hidden layer whose x·w + b is drawn over the plane at the end, with its selection and the sorted projection strip (thesis §5.5); −1 = off.', group: 'Logging' }
}

/** Memory and compute: every arm trains in turn (the baseline's rows bound each). */
export function estimateKFiltering(c: KFilteringConfig, library?: DataShape | null): ResourceEstimate | null {
  const shape: DataShape | null = c.dataset.kind === 'stored' ? (library ?? null) : { n: (c.dataset as { n: number }).n, sample: [2], classes: 2, uint8: false }
  if (!shape) return null
  const one = layerListCost(c.layers, shape.sample, shape.classes)
  if (!one) return null
  const nTest = Math.max(1, Math.round(c.dataset.testFraction * shape.n))
  const nVal = Math.round(c.dataset.validationFraction * shape.n)
  const train = Math.max(0, shape.n - nTest - nVal)
  const arms = armNames(c).length
  const o = c.optimizers[0]
  // The arms train one after another: memory is one net's, compute every arm's (each at most the baseline's rows).
  return estimateWorkload({
    cost: { params: one.params, forwardFlops: one.forwardFlops * arms, activationFloats: one.activationFloats },
    n: shape.n,
    dims: shape.sample.reduce((a, b) => a * b, 1),
    classes: shape.classes,
    uint8: shape.uint8,
    trainSamples: train,
    evalSamples: nTest + nVal + train,
    evalChunk: 500,
    batchSize: c.batchSize,
    epochs: c.epochs,
    optimizerSlots: o.kind === 'adam' ? 2 : o.momentum > 0 ? 1 : 0
  })
}

function preset(id: string, title: string, description: string, patch: (c: KFilteringConfig) => void = () => {}): Preset<KFilteringConfig> {
  const config = structuredClone(kFilteringDefaults)
  patch(config)
  return { id, title, description, config }
}

const paperTable = (c: KFilteringConfig) => {
  c.optimizers = [sgd(0.05, 0.9)]
  c.batchSize = 128
  c.epochs = 60
  c.chunk = 6000
}

export const kFilteringPresets: Preset<KFilteringConfig>[] = [
  preset('cpu', 'CPU-sized (default)', 'Built-in digits, the small CNN, Adam, 6 epochs, k = 10, 20 and 42 in chunks of 2 000.'),
  preset('paper', 'Paper scale', 'Table 5.1\'s settings (SGD 0.05, momentum 0.9, batch 128, 60 epochs, chunks of 6 000); import all 60 000 MNIST or Fashion-MNIST images for the thesis\'s data — hours on 2 cores.', paperTable)
]

export const kFilteringCards: GalleryCard[] = [
  templateCard(
    'representations',
    kFilteringTemplates[0],
    {
      figure: 'Thesis Table 5.1',
      expected: 'MNIST: baseline 99.54 % (100 % kept), k = 10 99.43 % (34 % kept), k = 20 99.50 % (53 %). Fashion-MNIST: 92.02, k = 10 91.55 (56 %), k = 20 91.89 (69 %), k = 42 92.25 (80 %).',
      cpu: 'Built-in digits (7 000 training rows), conv 16 → pool → conv 32 → pool → dense 64, Adam 0.001, 6 epochs, k = 10, 20 and 42 in chunks of 2 000 (4 nets in turn).',
      paper: 'All of MNIST (or Fashion-MNIST) imported, SGD 0.05 with momentum 0.9, batch 128, 60 epochs, chunks of 6 000 — hours on 2 cores.'
    },
    { patch: paperTable }
  ),
  templateCard(
    'representations',
    kFilteringTemplates[1],
    {
      figure: 'Thesis §5.4.2 and Fig. 5.16',
      expected: 'Thesis: SGD on an MLP stalls at 51–53 % and fits after k-filtering (to be tested, not assumed).',
      cpu: '5 000 points, 8 × 8, MLP 3 × 128 ReLU, SGD 0.01 and Adam 0.003, batch 32, 60 epochs, with and without k = 5 filtering (4 nets in turn).',
      paper: 'The same with 300 epochs and k = 5, 10, 20.'
    },
    {
      patch: (c) => {
        c.epochs = 300
        c.ks = [5, 10, 20]
        c.quiverEvery = 25
      }
    }
  )
]

export const kFilteringStudy: StudyDescriptor<KFilteringConfig> = {
  id: 'k-filtering',
  title: 'k-filtering',
  summary: 'Nets trained from the same initial weights on all training rows and on the rows k-filtering keeps (those whose k nearest neighbours are of mixed classes), tested on the unfiltered test set.',
  source: 'Øland 2024 thesis, §5.4 (Table 5.1, the checkerboard conundrum, Fig. 5.16) and §5.5',
  configSchema: kFilteringConfigSchema,
  defaults: kFilteringDefaults,
  templates: kFilteringTemplates,
  fields,
  presets: kFilteringPresets,
  outputs: [
    { id: 'table', kind: 'table', key: 'kfilter/table', title: 'Lab vs thesis', help: 'Per arm: the kept fraction, the test accuracy at the last epoch and at the best validation epoch, the accuracy on the full and on the kept training rows, and the thesis\'s numbers where it gives them.' },
    { id: 'test-accuracy', kind: 'scalars', keys: ['*/test/accuracy', '*/*/test/accuracy'], title: 'Test accuracy of every arm', percent: true, yLabel: 'accuracy' },
    { id: 'train-accuracy', kind: 'scalars', keys: ['*/train/accuracy', '*/*/train/accuracy'], title: 'Accuracy on the full training set', percent: true, yLabel: 'accuracy', help: 'Every arm evaluated on all training rows, also those its filter dropped.' },
    { id: 'val-accuracy', kind: 'scalars', keys: ['*/val/accuracy', '*/*/val/accuracy'], title: 'Validation accuracy of every arm', percent: true, yLabel: 'accuracy', help: 'On the unfiltered validation split; each arm\'s best epoch is chosen on it.' },
    { id: 'test-loss', kind: 'scalars', keys: ['*/test/loss', '*/*/test/loss'], title: 'Test loss of every arm', logScale: true, yLabel: 'loss' },
    { id: 'val-loss', kind: 'scalars', keys: ['*/val/loss', '*/*/val/loss'], title: 'Validation loss of every arm', logScale: true, yLabel: 'loss' },
    { id: 'train-loss', kind: 'scalars', keys: ['*/train/loss', '*/*/train/loss'], title: 'Loss on the full training set', logScale: true, yLabel: 'loss' },
    { id: 'kept', kind: 'scalars', keys: ['kfilter/*/kept'], title: 'Kept fraction per k', percent: true, help: 'Logged once, before training (step 0).' },
    { id: 'data', kind: 'scatter', key: 'kfilter/data/**', title: 'Training data before / after k-filtering', help: '2-D data: the kept points by class, the dropped ones faded.' },
    { id: 'quiver', kind: 'scatter', key: 'quiver/**', title: '−∂ℒ/∂x at the training points', help: 'Thesis Fig. 5.16: the direction each training point would move to lower the loss (arrows scaled to the largest), at the chosen epoch.' },
    { id: 'filter', kind: 'scatter', key: 'filter/**', title: 'Correlation filter of a unit', help: 'Thesis §5.5: x·w + b of the unit over the plane (blue < 0 < red), its line w·x + b = 0, the selected points (a > 0) by class and the others faded.' },
    { id: 'strip', kind: 'scatter', key: 'strip/**', title: 'Sorted projection strip', help: 'The training points sorted by their projection x·w + b of the unit, coloured by class (y = class).' },
    { id: 'strip-entropy', kind: 'curves', key: 'strip-entropy/**', title: 'Sliding-window class entropy along the projection', help: 'Entropy (bits) of the classes in a window of 5 % of the points, sliding along the sorted projection.' }
  ],
  trainsNetwork: false,
  cards: kFilteringCards,
  estimate: (c, library) => estimateKFiltering(c, library)
}
