/**
 * Study `training`: train an MLP on a toy dataset, TensorFlow-Playground style, but real and saved.
 * The config below is the complete, reproducible description of a run (like Playground's state.ts).
 */
import { z } from 'zod'
import type { StudyDescriptor, Template } from './descriptor'

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

export const trainingConfigSchema = z
  .strictObject({
  dataset: toyDatasetSchema,
  network: z.strictObject({
    /** Hidden layers in order; the output layer (one unit per class) is added from the loss. */
    layers: z.array(layerSchema).min(1).max(16)
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
  boundaryResolution: z.number().int().min(100).max(400)
  })
  .refine((c) => c.dataset.kind !== 'stored' || !!c.dataset.datasetId, { path: ['dataset', 'datasetId'], message: 'choose a dataset from the library' })

export type TrainingConfig = z.infer<typeof trainingConfigSchema>
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

function template(id: string, title: string, description: string, patch: (c: TrainingConfig) => void): Template<TrainingConfig> {
  const config = structuredClone(trainingDefaults)
  patch(config)
  return { id: `training/${id}`, studyId: 'training', title, description, config }
}

export const trainingTemplates: Template<TrainingConfig>[] = [
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
  template('gaussian', 'Gaussian blobs', 'Two Gaussian clusters at (2, 2) and (−2, −2): the linearly separable baseline.', (c) => {
    c.dataset = { ...c.dataset, kind: 'gaussian', n: 1000, noise: 0.1 }
    c.network.layers = [{ units: 4, activation: 'linear' }]
    c.loss = 'mse'
    c.optimizer = { kind: 'sgd', learningRate: 0.01, momentum: 0 }
    c.epochs = 20
  })
]

export const trainingStudy: StudyDescriptor<TrainingConfig> = {
  id: 'training',
  title: 'Training',
  summary: 'Train an MLP on a toy dataset and watch its loss, accuracy and decision boundary evolve.',
  source: 'TensorFlow Playground; thesis (Øland 2024) §5.4.2, §7.6',
  configSchema: trainingConfigSchema,
  defaults: trainingDefaults,
  templates: trainingTemplates,
  outputs: [
    { key: 'train/loss', kind: 'scalar', title: 'Train loss (epoch)' },
    { key: 'test/loss', kind: 'scalar', title: 'Test loss (epoch)' },
    { key: 'train/batch_loss', kind: 'scalar', title: 'Minibatch loss' },
    { key: 'train/batch_accuracy', kind: 'scalar', title: 'Minibatch accuracy (after the step)' },
    { key: 'train/accuracy', kind: 'scalar', title: 'Train accuracy' },
    { key: 'test/accuracy', kind: 'scalar', title: 'Test accuracy' },
    { key: 'boundary', kind: 'boundary', title: 'Decision boundary' }
  ]
}
