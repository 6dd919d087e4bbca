/**
 * Study `training`: train an MLP on a toy dataset, TensorFlow-Playground style, but real and saved.
 * The config below is the complete, reproducible description of a run (like Playground's state.ts).
 */
import { z } from 'zod'
import type { DatasetInfo } from '../datasets'
import type { FieldMeta, Preset, StudyDescriptor, Template } from './descriptor'
import { inferNetworkShapes } from './networkShapes'
import { graphProblems } from '../network/configCheck'
import { networkGraphSchema } from '../network/spec'

export const TOY_DATASETS = ['two-spirals', 'checkerboard', 'circles', 'xor', 'gaussian', 'random-labels'] as const
/** `stored`: a dataset of the library (generated, imported or transformed), named by `datasetId`. */
export const DATASET_KINDS = [...TOY_DATASETS, 'stored'] as const
export const LAYER_TYPES = ['dense', 'conv2d', 'maxpool2d', 'avgpool2d', 'flatten', 'dropout', 'batchnorm'] as const
export const ACTIVATIONS = ['relu', 'tanh', 'sigmoid', 'linear', 'leaky-relu', 'celu'] as const
export const LOSSES = ['softmax-cross-entropy', 'mse'] as const
export const OPTIMIZERS = ['sgd', 'adam'] as const

export const toyDatasetSchema = z.strictObject({
  kind: z.enum(DATASET_KINDS),
  /** The library dataset for kind `stored` (n, noise, cells, dims and classes are then ignored). */
  datasetId: z.string().min(1).max(100).optional(),
  n: z.number().int().min(20).max(200_000),
  /** Gaussian jitter added to the points, as a fraction of the data's extent. */
  noise: z.number().min(0).max(1),
  /** Fraction of the points held out as the test set. */
  testFraction: z.number().min(0.05).max(0.9),
  /** Board size for `checkerboard` (cells × cells); ignored otherwise. */
  cells: z.number().int().min(2).max(32),
  /** Input dimensions for `random-labels` (the other datasets are 2-D). */
  dims: z.number().int().min(1).max(4096).optional(),
  /** Number of classes for `random-labels` (the other datasets have 2). */
  classes: z.number().int().min(2).max(100).optional()
})

/**
 * One layer of the network. `type` defaults to dense (units + activation). conv2d uses filters,
 * kernelSize, strides, padding and activation; pooling uses poolSize and strides; dropout uses rate.
 * Fields a type does not use are ignored; image datasets feed conv layers [H, W, C] samples.
 */
export const layerSchema = z.strictObject({
  type: z.enum(LAYER_TYPES).optional(),
  units: z.number().int().min(1).max(4096),
  activation: z.enum(ACTIVATIONS),
  filters: z.number().int().min(1).max(1024).optional(),
  kernelSize: z.number().int().min(1).max(15).optional(),
  strides: z.number().int().min(1).max(8).optional(),
  padding: z.enum(['valid', 'same']).optional(),
  poolSize: z.number().int().min(1).max(8).optional(),
  rate: z.number().min(0).max(0.95).optional()
})

/**
 * The local elasticity probe attachable to a training run (He & Su, ICLR 2020; spec `local-elasticity.md`):
 * every N epochs, the exact LE from `basePoints` to `testPoints` seeded training points (and optionally the
 * first-order S_ker). Optional in the config: a config without it (every config before it) runs no probe.
 */
export const elasticityProbeSchema = z.strictObject({
  enabled: z.boolean(),
  /** Probe every N epochs (and at epoch 0 and the end). */
  every: z.number().int().min(1).max(100_000),
  /** Base points: the first of the test points (each takes one SGD step). */
  basePoints: z.number().int().min(1).max(1000),
  /** Test points: a fixed seeded subset of the training points, re-predicted after each step. */
  testPoints: z.number().int().min(2).max(10_000),
  gamma: z.number().gt(0).max(10),
  /** Also the first-order kernel S_ker from per-example gradients (one backward pass per test point and output). */
  kernel: z.boolean(),
  /** Neighbours in the locality index (mean LE to the k nearest same-class points ÷ mean LE to the rest). */
  k: z.number().int().min(1).max(1000)
})

/** What the probe block holds when it is switched on in a form (off by default). */
export const elasticityProbeDefaults: z.infer<typeof elasticityProbeSchema> = { enabled: false, every: 5, basePoints: 20, testPoints: 500, gamma: 0.01, kernel: false, k: 10 }

export const trainingConfigSchema = z
  .strictObject({
  dataset: toyDatasetSchema,
  network: z.strictObject({
    /** Hidden layers in order; the output layer (one unit per class) is added from the loss. */
    layers: z.array(layerSchema).min(1).max(16),
    /** A network graph (src-shared/network/spec.ts): when present it is the network and `layers` is ignored. */
    graph: networkGraphSchema.optional()
  }),
  loss: z.enum(LOSSES),
  optimizer: z.strictObject({
    kind: z.enum(OPTIMIZERS),
    learningRate: z.number().gt(0).max(10),
    /** SGD momentum (0 = plain SGD); ignored by Adam. */
    momentum: z.number().min(0).max(0.999)
  }),
  batchSize: z.number().int().min(1).max(65_536),
  epochs: z.number().int().min(1).max(100_000),
  seed: z.number().int().min(0).max(2 ** 31 - 1),
  /** Log the minibatch loss and accuracy every N steps (full train/test metrics are logged every epoch). */
  logEvery: z.number().int().min(1).max(1_000_000),
  /** Decision-boundary snapshot every N epochs (0 = about 50 snapshots per run). */
  boundaryEvery: z.number().int().min(0).max(100_000),
  /** Boundary grid resolution (cells per side). */
  boundaryResolution: z.number().int().min(100).max(400),
  /** Probes run alongside training (optional; absent = none). */
  probes: z.strictObject({ elasticity: elasticityProbeSchema.optional() }).optional()
  })
  .refine((c) => c.dataset.kind !== 'stored' || !!c.dataset.datasetId, { path: ['dataset', 'datasetId'], message: 'choose a dataset from the library' })
  .refine((c) => !c.probes?.elasticity?.enabled || c.probes.elasticity.basePoints <= c.probes.elasticity.testPoints, {
    path: ['probes', 'elasticity', 'basePoints'],
    message: 'the base points are taken from the test points: at most testPoints'
  })
  .superRefine((c, ctx) => {
    // Toy datasets have known flat inputs, so the layer stack is checked here (conv/pool layers cannot take
    // them). A stored dataset's sample shape is known only with the dataset: the form calls
    // inferNetworkShapes with it, and the run fails with the same message if the stack does not fit.
    const input = toyInputShape(c.dataset)
    if (c.network.graph) {
      // A graph is checked structurally always (cycles, arity, dangling nodes), and its shapes with toy data.
      const outputs = c.dataset.kind === 'random-labels' ? (c.dataset.classes ?? 2) : 2
      for (const p of graphProblems(c.network.graph, input ? { input, outputs } : null)) ctx.addIssue({ code: 'custom', path: p.path, message: p.message })
      return
    }
    if (!input) return
    const shapes = inferNetworkShapes(c.network.layers, input, c.dataset.kind === 'random-labels' ? (c.dataset.classes ?? 2) : 2)
    if (!shapes.ok) {
      ctx.addIssue({ code: 'custom', path: shapes.layerIndex === null ? ['dataset'] : ['network', 'layers', shapes.layerIndex], message: shapes.message })
    }
  })

export type TrainingConfig = z.infer<typeof trainingConfigSchema>

/** Sample shape of an inline toy dataset ([2], or [dims] for random-labels); null for a stored one. */
export function toyInputShape(d: Pick<z.infer<typeof toyDatasetSchema>, 'kind' | 'dims'>): number[] | null {
  if (d.kind === 'stored') return null
  return [d.kind === 'random-labels' ? (d.dims ?? 2) : 2]
}
export type ToyDatasetSpec = z.infer<typeof toyDatasetSchema>
export type Activation = (typeof ACTIVATIONS)[number]

export const trainingDefaults: TrainingConfig = {
  dataset: { kind: 'two-spirals', n: 2000, noise: 0, testFraction: 0.2, cells: 8, dims: 2, classes: 2 },
  network: {
    layers: [
      { units: 64, activation: 'relu' },
      { units: 64, activation: 'relu' },
      { units: 64, activation: 'relu' }
    ]
  },
  loss: 'softmax-cross-entropy',
  optimizer: { kind: 'adam', learningRate: 0.01, momentum: 0.9 },
  batchSize: 32,
  epochs: 50,
  seed: 1,
  logEvery: 25,
  boundaryEvery: 0,
  boundaryResolution: 100
}

/**
 * Which library dataset a template is meant for, when it cannot name one by id (a dataset the user imports
 * gets a fresh id in their store). The template's config then has kind 'stored' and no datasetId — so it does
 * not validate until a dataset is chosen ('choose a dataset from the library') — and the form offers the
 * library datasets that match the hint (`datasetMatchesHint`), preselecting the first.
 */
export interface DatasetHint {
  /** Shown to the user: what to import and from where. */
  title: string
  help: string
  /** Case-insensitive pattern a matching dataset's name contains (e.g. "fashion"). */
  namePattern: string
  sample: number[]
  classes: number
}

export interface TrainingTemplate extends Template<TrainingConfig> {
  datasetHint?: DatasetHint
}

/** Does a library dataset fit a template's hint (name, sample shape and classes)? */
export function datasetMatchesHint(hint: DatasetHint, d: Pick<DatasetInfo, 'name' | 'shape'>): boolean {
  return (
    d.name.toLowerCase().includes(hint.namePattern.toLowerCase()) &&
    d.shape.task === 'classification' &&
    d.shape.classes === hint.classes &&
    d.shape.sample.length === hint.sample.length &&
    d.shape.sample.every((v, i) => v === hint.sample[i])
  )
}

function template(id: string, title: string, description: string, patch: (c: TrainingConfig) => void, datasetHint?: DatasetHint): TrainingTemplate {
  const config = structuredClone(trainingDefaults)
  patch(config)
  return { id: `training/${id}`, studyId: 'training', title, description, config, ...(datasetHint ? { datasetHint } : {}) }
}

/** The built-in MNIST sample (10 000 real digits, 28×28×1, from the `mnist` package), always in the library. */
export const BUILTIN_MNIST_ID = 'builtin-mnist'

/** conv 16 → max-pool → conv 32 → max-pool → dense 64 (the output layer is added by the study). */
const SMALL_CNN: TrainingConfig['network']['layers'] = [
  { type: 'conv2d', units: 16, filters: 16, kernelSize: 3, padding: 'valid', activation: 'relu' },
  { type: 'maxpool2d', units: 1, poolSize: 2, activation: 'linear' },
  { type: 'conv2d', units: 32, filters: 32, kernelSize: 3, padding: 'valid', activation: 'relu' },
  { type: 'maxpool2d', units: 1, poolSize: 2, activation: 'linear' },
  { type: 'dense', units: 64, activation: 'relu' }
]

export const trainingTemplates: TrainingTemplate[] = [
  template('two-spirals', 'Two spirals', 'The classic Lang & Witbrock problem with 5 000 samples (thesis §7.6): a 3×64 ReLU MLP with Adam separates the spirals; expect ≥ 95 % test accuracy.', (c) => {
    c.dataset = { ...c.dataset, n: 5000 }
    c.epochs = 40
  }),
  template('checkerboard', 'Checkerboard 8×8', 'Thesis §5.4.2: the 8×8 board is hard for end-to-end gradient training (plain SGD stalls near 51–53 %). Adam with a 3×128 ReLU net gets part of the way (≈ 70–75 % test accuracy in 80 epochs here) — a baseline for the layer-wise methods of later studies.', (c) => {
    c.dataset = { ...c.dataset, kind: 'checkerboard', n: 5000, cells: 8 }
    c.network.layers = [
      { units: 128, activation: 'relu' },
      { units: 128, activation: 'relu' },
      { units: 128, activation: 'relu' }
    ]
    c.optimizer = { kind: 'adam', learningRate: 0.003, momentum: 0.9 }
    c.batchSize = 64
    c.epochs = 80
  }),
  template('circles', 'Circles', 'TensorFlow Playground circle: an inner disc against a ring; a small net separates it in seconds.', (c) => {
    c.dataset = { ...c.dataset, kind: 'circles', n: 1000, noise: 0.05 }
    c.network.layers = [{ units: 8, activation: 'tanh' }, { units: 8, activation: 'tanh' }]
    c.optimizer = { kind: 'sgd', learningRate: 0.05, momentum: 0.9 }
    c.epochs = 40
  }),
  template('xor', 'XOR', 'TensorFlow Playground XOR: label = sign(x·y).', (c) => {
    c.dataset = { ...c.dataset, kind: 'xor', n: 1000, noise: 0.02 }
    c.network.layers = [{ units: 16, activation: 'relu' }, { units: 16, activation: 'relu' }]
    c.optimizer = { kind: 'adam', learningRate: 0.01, momentum: 0.9 }
    c.epochs = 40
  }),
  template('random-labels', 'Random labels (memorisation)', 'Inputs uniform in [0, 1)^784, labels uniform over 10 classes (Zhang et al. 2017): nothing to generalise, so train accuracy can only rise by memorising while test accuracy stays at chance (10 %).', (c) => {
    c.dataset = { ...c.dataset, kind: 'random-labels', n: 2500, dims: 784, classes: 10 }
    c.network.layers = [{ units: 512, activation: 'relu' }, { units: 512, activation: 'relu' }]
    c.optimizer = { kind: 'adam', learningRate: 0.001, momentum: 0.9 }
    c.batchSize = 64
    c.epochs = 60
  }),
  template('mnist-cnn', 'MNIST CNN', 'The built-in MNIST sample (10 000 real digits, 80 % for training): conv 16 → max-pool → conv 32 → max-pool → dense 64, Adam, 6 epochs. Trains on WebAssembly in under a minute; expect ≈ 97–98 % test accuracy.', (c) => {
    c.dataset = { ...c.dataset, kind: 'stored', datasetId: BUILTIN_MNIST_ID, testFraction: 0.2 }
    c.network.layers = structuredClone(SMALL_CNN)
    c.optimizer = { kind: 'adam', learningRate: 0.001, momentum: 0.9 }
    c.batchSize = 64
    c.epochs = 6
    c.logEvery = 10
  }),
  template(
    'fashion-mnist-cnn',
    'Fashion-MNIST CNN',
    'Two conv layers on Fashion-MNIST (import it first: Datasets → Import, the four IDX files): conv 16 → max-pool → conv 32 → max-pool → dense 64, Adam, 4 epochs over the training images with 1/6 held out. Reaches ≥ 85 % test accuracy in a few minutes on WebAssembly.',
    (c) => {
      c.dataset = { ...c.dataset, kind: 'stored', datasetId: undefined, testFraction: 1 / 6 }
      c.network.layers = structuredClone(SMALL_CNN)
      c.optimizer = { kind: 'adam', learningRate: 0.001, momentum: 0.9 }
      c.batchSize = 64
      c.epochs = 4
      c.logEvery = 20
    },
    {
      title: 'Fashion-MNIST',
      help: 'Import Fashion-MNIST (train-images-idx3-ubyte.gz + train-labels-idx1-ubyte.gz, e.g. from Debian\'s dataset-fashion-mnist package or zalandoresearch/fashion-mnist), then choose it here.',
      namePattern: 'fashion',
      sample: [28, 28, 1],
      classes: 10
    }
  ),
  template('gaussian', 'Gaussian blobs', 'Two Gaussian clusters at (2, 2) and (−2, −2): the linearly separable baseline.', (c) => {
    c.dataset = { ...c.dataset, kind: 'gaussian', n: 1000, noise: 0.1 }
    c.network.layers = [{ units: 4, activation: 'linear' }]
    c.loss = 'mse'
    c.optimizer = { kind: 'sgd', learningRate: 0.01, momentum: 0 }
    c.epochs = 20
  })
]

/**
 * Form metadata of every config field (labels, units, help with the source reference, visibility). Types,
 * ranges and choices come from `trainingConfigSchema` (see `fieldSpec`), not from here.
 */
export const trainingFields: Record<string, FieldMeta> = {
  dataset: { label: 'Data', help: 'The data the network is trained and tested on.', group: 'Data' },
  'dataset.kind': {
    label: 'Dataset',
    help: 'A toy generator of the sources (two spirals: Lang & Witbrock, thesis §7.6; checkerboard: thesis §5.4.2; circles, xor, gaussian: TensorFlow Playground; random labels: Zhang et al. 2017) or a dataset of the library.',
    group: 'Data',
    choices: { 'two-spirals': 'two-spirals', checkerboard: 'checkerboard', circles: 'circles', xor: 'xor', gaussian: 'gaussian', 'random-labels': 'random-labels', stored: 'from the library…' }
  },
  'dataset.datasetId': { label: 'Library dataset', help: 'A generated, imported or transformed dataset of the library (Datasets view).', group: 'Data', custom: true, when: { path: 'dataset.kind', in: ['stored'] } },
  'dataset.n': { label: 'Points (n)', help: 'Number of generated points, train and test together (thesis §5.4.2 and §7.6 use 5 000).', unit: 'points', group: 'Data', when: { path: 'dataset.kind', notIn: ['stored'] } },
  'dataset.noise': { label: 'Noise', help: 'Gaussian jitter added to the points, as a fraction of the data\'s extent (TensorFlow Playground\'s noise slider).', group: 'Data', step: 0.01, when: { path: 'dataset.kind', notIn: ['stored'] } },
  'dataset.testFraction': { label: 'Test fraction', help: 'Fraction of the points held out as the test set.', unit: 'of n', group: 'Data', step: 0.05 },
  'dataset.cells': { label: 'Board cells', help: 'Board size (cells × cells) of the checkerboard; the thesis\'s conundrum uses 8 × 8 (§5.4.2).', unit: 'cells per side', group: 'Data', when: { path: 'dataset.kind', in: ['checkerboard'] } },
  'dataset.dims': { label: 'Input dimensions', help: 'Input size of random-labels data (784 = an MNIST image, Zhang et al. 2017).', group: 'Data', when: { path: 'dataset.kind', in: ['random-labels'] } },
  'dataset.classes': { label: 'Classes', help: 'Number of uniformly random labels (10 in Zhang et al. 2017).', group: 'Data', when: { path: 'dataset.kind', in: ['random-labels'] } },
  // The network's own fields (layers, graph) are described and edited by the network editor (NetworkSection).
  network: { label: 'Network', help: 'Hidden layers in order (or a layer graph); the output layer (one unit per class) is added from the loss.', group: 'Network', custom: true },
  loss: { label: 'Loss', help: 'Softmax cross-entropy, or squared error on the one-hot targets (the thesis\'s MLPs use MSE, ch. 3–5).', group: 'Training', choices: { 'softmax-cross-entropy': 'softmax cross-entropy', mse: 'mean squared error' } },
  optimizer: { label: 'Optimiser', help: 'The optimiser and its settings.', group: 'Training' },
  'optimizer.kind': { label: 'Optimiser', help: 'SGD with momentum (the thesis\'s baselines) or Adam.', group: 'Training', choices: { sgd: 'SGD (momentum)', adam: 'Adam' } },
  'optimizer.learningRate': { label: 'Learning rate', help: 'Step size (thesis §7.6 SGD baseline: 0.01; Table 6.1: 0.05).', group: 'Training' },
  'optimizer.momentum': { label: 'Momentum', help: 'SGD momentum; 0 = plain SGD (thesis §7.6: 0.9). Ignored by Adam.', group: 'Training', step: 0.05, when: { path: 'optimizer.kind', in: ['sgd'] } },
  batchSize: { label: 'Batch size', help: 'Examples per step (thesis §7.6: 32; Table 6.1: 128).', unit: 'examples', group: 'Training' },
  epochs: { label: 'Epochs', help: 'Passes over the training set (thesis §7.6: 75).', group: 'Training' },
  seed: { label: 'Seed', help: 'Seeds data, initialisation and shuffling: the same seed gives the same numbers on the same backend.', group: 'Training', custom: true },
  logEvery: { label: 'Minibatch metrics every N steps', help: 'Log the minibatch loss and accuracy every N steps (full train/test metrics are logged every epoch).', unit: 'steps', group: 'Logging' },
  boundaryEvery: { label: 'Boundary every N epochs', help: 'Decision-boundary snapshot every N epochs; 0 = about 50 snapshots per run.', unit: 'epochs', group: 'Logging' },
  boundaryResolution: { label: 'Boundary grid', help: 'Decision-boundary grid resolution.', unit: 'cells per side', group: 'Logging' },
  probes: { label: 'Probes', help: 'Measurements taken alongside training (none unless switched on).', group: 'Probes' },
  'probes.elasticity': { label: 'Local elasticity', help: 'How much one SGD step on a training point moves the predictions on others (He & Su, ICLR 2020).', group: 'Probes' },
  'probes.elasticity.enabled': { label: 'Elasticity probe', help: 'Measure the exact LE (S_rel for one output) from base points to test points during training (He & Su, ICLR 2020).', group: 'Probes' },
  'probes.elasticity.every': { label: 'Probe every N epochs', help: 'The probe runs at epoch 0, every N epochs and at the end.', unit: 'epochs', group: 'Probes' },
  'probes.elasticity.basePoints': { label: 'Base points', help: 'Points that each take one SGD step (the first of the test points).', unit: 'points', group: 'Probes' },
  'probes.elasticity.testPoints': { label: 'Test points', help: 'A fixed seeded subset of the training points, all re-predicted in one batched pass per base point.', unit: 'points', group: 'Probes' },
  'probes.elasticity.gamma': { label: 'Probe step γ', help: 'Step size of the probe\'s SGD step; tripled while the step changes the output by less than float precision (the reference code\'s rule).', group: 'Probes' },
  'probes.elasticity.kernel': { label: 'First-order kernel S_ker', help: 'Also ⟨∂f(x′)/∂w, ∂f(x)/∂w⟩ along the loss gradient (the NTK at the current weights) from per-example gradients: slower.', group: 'Probes' },
  'probes.elasticity.k': { label: 'Locality neighbours (k)', help: 'Locality index: mean LE to the k nearest same-class test points ÷ mean LE to the rest (> 1 = locally elastic).', group: 'Probes' }
}

function preset(id: string, title: string, description: string, patch: (c: TrainingConfig) => void): Preset<TrainingConfig> {
  const config = structuredClone(trainingDefaults)
  patch(config)
  return { id, title, description, config }
}

/** `cpu`: the defaults (a minute on WebAssembly). `paper`: the thesis's SGD baseline on two spirals (§7.6). */
export const trainingPresets: Preset<TrainingConfig>[] = [
  preset('cpu', 'CPU-sized (default)', 'Two spirals, 2 000 points, 3 × 64 ReLU, Adam, 50 epochs: about a minute on WebAssembly.', () => {}),
  preset('paper', 'Paper scale (thesis §7.6)', 'The thesis\'s SGD baseline on two spirals: 5 000 points, 2-32-32-32-32 tanh, SGD LR 0.01, momentum 0.9, batch 32, 75 epochs (the thesis also divides the LR by 10 after epoch 56). Published: 99.17 % test accuracy.', (c) => {
    c.dataset = { ...c.dataset, n: 5000 }
    c.network.layers = [32, 32, 32, 32].map((units) => ({ units, activation: 'tanh' as const }))
    c.optimizer = { kind: 'sgd', learningRate: 0.01, momentum: 0.9 }
    c.batchSize = 32
    c.epochs = 75
  })
]

export const trainingStudy: StudyDescriptor<TrainingConfig> & { templates: TrainingTemplate[] } = {
  id: 'training',
  title: 'Training',
  summary: 'Train a dense or convolutional network on a toy or library dataset and watch its loss, accuracy and (for 2-D data) decision boundary evolve.',
  source: 'TensorFlow Playground; thesis (Øland 2024) §5.4.2, §7.6',
  configSchema: trainingConfigSchema,
  defaults: trainingDefaults,
  templates: trainingTemplates,
  fields: trainingFields,
  presets: trainingPresets,
  outputs: [
    { key: 'train/loss', kind: 'scalar', title: 'Train loss (epoch)' },
    { key: 'test/loss', kind: 'scalar', title: 'Test loss (epoch)' },
    { key: 'train/batch_loss', kind: 'scalar', title: 'Minibatch loss' },
    { key: 'train/batch_accuracy', kind: 'scalar', title: 'Minibatch accuracy (after the step)' },
    { key: 'train/accuracy', kind: 'scalar', title: 'Train accuracy' },
    { key: 'test/accuracy', kind: 'scalar', title: 'Test accuracy' },
    { key: 'boundary', kind: 'boundary', title: 'Decision boundary' },
    { key: 'elasticity/locality', kind: 'scalar', title: 'Elasticity locality index (probe)' },
    { key: 'elasticity/probe', kind: 'heatmap', title: 'LE from the probe\'s base points (probe)' }
  ]
}
