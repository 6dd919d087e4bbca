/** The `training` study's descriptor: form metadata, declared outputs, presets and templates. */
import type { DatasetInfo } from '../../datasets'
import type { DatasetHint } from '../../gallery/cards'
import { conv2d, dense, maxpool2d, type Layer } from '../../network/layers'
import { trainingBasicsFields } from '../../training/basics'
import { adam, optimizerFields, sgd } from '../../training/optimizer'
import { scheduleFields } from '../../training/schedule'
import type { FieldMeta, OutputDecl, Preset, StudyDescriptor, Template } from '../descriptor'
import { DATASET_VARIANTS, LOSS_PARAMS_DEFAULTS, layers, trainingConfigSchema, trainingDefaults, type DatasetSpec, type TrainingConfig } from './config'

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

/** The built-in MNIST sample (10 000 real digits, 28×28×1, from the `mnist` package), always in the library. */
export const BUILTIN_MNIST_ID = 'builtin-mnist'

/** conv 16 → max-pool → conv 32 → max-pool → dense 64 (the output layer is added by the study). */
export const SMALL_CNN: Layer[] = [conv2d(16), maxpool2d(2), conv2d(32), maxpool2d(2), dense(64)]

/** A dataset spec of a kind with the given fields over that kind's defaults. */
export function datasetOf<K extends DatasetSpec['kind']>(kind: K, fields: Partial<Extract<DatasetSpec, { kind: K }>> = {}): DatasetSpec {
  return { ...structuredClone(DATASET_VARIANTS[kind]), ...fields } as DatasetSpec
}

/** The small CNN on a library image dataset: Adam, batch 64, a confusion matrix every 2 epochs, no boundary. */
function smallCnnTraining(c: TrainingConfig): void {
  c.network = layers(...structuredClone(SMALL_CNN))
  c.optimizer = adam(0.001)
  c.batchSize = 64
  delete c.boundary
  c.probes = [{ id: 'confusion', every: 2, params: { split: 'test', maxImages: 32 } }]
}

function template(id: string, title: string, description: string, patch: (c: TrainingConfig) => void, datasetHint?: DatasetHint): TrainingTemplate {
  const config = structuredClone(trainingDefaults)
  patch(config)
  return { id: `training/${id}`, studyId: 'training', title, description, config, ...(datasetHint ? { datasetHint } : {}) }
}

export const trainingTemplates: TrainingTemplate[] = [
  template('two-spirals', 'Two spirals', 'The classic Lang & Witbrock problem with 5 000 samples (thesis §7.6): a 3×64 ReLU MLP with Adam separates the spirals; expect ≥ 95 % test accuracy.', (c) => {
    c.dataset = datasetOf('two-spirals', { n: 5000, validationFraction: 0.1 })
    c.epochs = 40
  }),
  template('checkerboard', 'Checkerboard 8×8', 'Thesis §5.4.2: the 8×8 board is hard for end-to-end gradient training (plain SGD stalls near 51–53 %). Adam with a 3×128 ReLU net gets part of the way (≈ 70–75 % test accuracy in 80 epochs here) — a baseline for the layer-wise methods of later studies.', (c) => {
    c.dataset = datasetOf('checkerboard', { n: 5000, cells: 8, validationFraction: 0.1 })
    c.network = layers(dense(128), dense(128), dense(128))
    c.optimizer = adam(0.003)
    c.batchSize = 64
    c.epochs = 80
  }),
  template('circles', 'Circles', 'TensorFlow Playground circle: an inner disc against a ring; a small net separates it.', (c) => {
    c.dataset = datasetOf('circles', { n: 1000, noise: 0.05, validationFraction: 0.1 })
    c.network = layers(dense(8, 'tanh'), dense(8, 'tanh'))
    c.optimizer = sgd(0.05, 0.9)
    c.epochs = 40
  }),
  template('xor', 'XOR', 'TensorFlow Playground XOR: label = sign(x·y).', (c) => {
    c.dataset = datasetOf('xor', { n: 1000, noise: 0.02, validationFraction: 0.1 })
    c.network = layers(dense(16), dense(16))
    c.optimizer = adam(0.01)
    c.epochs = 40
  }),
  template('random-labels', 'Random labels (memorisation)', 'Inputs uniform in [0, 1)^784, labels uniform over 10 classes (Zhang et al. 2017): nothing to generalise, so train accuracy can only rise by memorising while test accuracy stays at chance (10 %).', (c) => {
    c.dataset = datasetOf('random-labels', { n: 2500, dims: 784, classes: 10, validationFraction: 0.1 })
    c.network = layers(dense(512), dense(512))
    c.optimizer = adam(0.001)
    c.batchSize = 64
    c.epochs = 60
    delete c.boundary
  }),
  template('mnist-cnn', 'MNIST CNN', 'The built-in MNIST sample (10 000 real digits: 70 % for training, 10 % validation, 20 % test): conv 16 → max-pool → conv 32 → max-pool → dense 64, Adam, 6 epochs. Expect ≈ 97–98 % test accuracy.', (c) => {
    c.dataset = { kind: 'stored', datasetId: BUILTIN_MNIST_ID, testFraction: 0.2, validationFraction: 0.1 }
    smallCnnTraining(c)
    c.epochs = 6
    c.logEvery = 10
  }),
  template(
    'fashion-mnist-cnn',
    'Fashion-MNIST CNN',
    'Two conv layers on Fashion-MNIST (import it first: Datasets → Import, the four IDX files): conv 16 → max-pool → conv 32 → max-pool → dense 64, Adam, 4 epochs over the training images with 1/6 held out for testing and 5 % for validation. Reaches ≥ 85 % test accuracy.',
    (c) => {
      c.dataset = { kind: 'stored', testFraction: 1 / 6, validationFraction: 0.05 } as DatasetSpec
      smallCnnTraining(c)
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
    c.dataset = datasetOf('gaussian', { n: 1000, noise: 0.1, validationFraction: 0.1 })
    c.network = layers(dense(4, 'linear'))
    c.loss = 'mse'
    c.optimizer = sgd(0.01, 0)
    c.epochs = 20
  })
]

/**
 * Form metadata of every config field (labels, units, help with the source reference). Types, ranges, choices
 * and which fields exist for the chosen dataset / optimiser come from `trainingConfigSchema` (see `fieldSpec`).
 */
export const trainingFields: Record<string, FieldMeta> = {
  dataset: { label: 'Data', help: 'The data the network is trained and tested on.', group: 'Data' },
  'dataset.kind': {
    label: 'Dataset',
    help: 'A toy generator of the sources (two spirals: Lang & Witbrock, thesis §7.6; checkerboard: thesis §5.4.2; circles, xor, gaussian: TensorFlow Playground; random labels: Zhang et al. 2017) or a dataset of the library.',
    group: 'Data',
    choices: { 'two-spirals': 'two-spirals', checkerboard: 'checkerboard', circles: 'circles', xor: 'xor', gaussian: 'gaussian', 'random-labels': 'random-labels', stored: 'from the library…' },
    variants: DATASET_VARIANTS
  },
  'dataset.datasetId': { label: 'Library dataset', help: 'A generated, imported or transformed dataset of the library (Datasets view).', group: 'Data', custom: true },
  'dataset.n': { label: 'Points (n)', help: 'Number of generated points, train, validation and test together (thesis §5.4.2 and §7.6 use 5 000).', unit: 'points', group: 'Data' },
  'dataset.noise': { label: 'Noise', help: 'Gaussian jitter added to the points, as a fraction of the data\'s extent (TensorFlow Playground\'s noise slider).', group: 'Data', step: 0.01 },
  'dataset.cells': { label: 'Board cells', help: 'Board size (cells × cells) of the checkerboard; the thesis\'s conundrum uses 8 × 8 (§5.4.2).', unit: 'cells per side', group: 'Data' },
  'dataset.dims': { label: 'Input dimensions', help: 'Input size of random-labels data (784 = an MNIST image, Zhang et al. 2017).', group: 'Data' },
  'dataset.classes': { label: 'Classes', help: 'Number of uniformly random labels (10 in Zhang et al. 2017).', group: 'Data' },
  'dataset.testFraction': { label: 'Test fraction', help: 'Fraction of the samples held out as the test set (reported, never used to choose anything).', unit: 'of n', group: 'Data', step: 0.05 },
  // The network's own fields (layers, graph) are described and edited by the network editor (NetworkSection).
  network: { label: 'Network', help: 'Hidden layers in order (or a layer graph); the output layer (one unit per class) is added from the loss.', group: 'Network', custom: true },
  loss: {
    label: 'Output and loss',
    help: 'The output layer y(x) on the last pre-activation x and its loss. Softmax cross-entropy and mean squared error on one-hot targets (the thesis\'s MLPs, ch. 3–5) are the lab\'s originals; the gradient-amplification variants of thesis ch. 4 all give the delta ∂ℒ/∂x = y − t with the targets below: sigmoid, tanh or linear + MSE (for sigmoid and tanh the lab minimises the matching loss, Σ softplus(x) − t·x and Σ ln cosh x − t·x, whose delta is y − t as the thesis states — a literal ½‖y − t‖² would multiply it by σ′(x) or 1 − y², so their logged loss is that matching loss), exp-GA (y = α eˣ, sparse cross-entropy) and pow3-GA (y = α x³ + β, negative-correlation loss). Prediction is argmax x.',
    group: 'Training',
    choices: {
      'softmax-cross-entropy': 'softmax cross-entropy',
      mse: 'mean squared error (one-hot)',
      'sigmoid-mse': 'sigmoid + MSE (ch. 4)',
      'tanh-mse': 'tanh + MSE (ch. 4)',
      'linear-mse': 'linear + MSE (ch. 4)',
      'exp-ga': 'exp-GA: α eˣ + sparse cross-entropy (ch. 4)',
      'pow3-ga': 'pow3-GA: α x³ + β + negative correlation (ch. 4)'
    },
    companion: { path: 'lossParams', values: LOSS_PARAMS_DEFAULTS }
  },
  lossParams: { label: 'Targets and output parameters', help: 'The targets t (and α, β) of the chosen thesis ch. 4 variant.', group: 'Training' },
  'lossParams.trueTarget': {
    label: 'Target of the true class',
    help: 't for the true class. Larger targets amplify the output deltas y − t (thesis ch. 4: exp-GA 16 for the CNN, 6 for the 10-layer net, 2 for VGG; pow3-GA 10; sigmoid, tanh and linear 1).',
    group: 'Training'
  },
  'lossParams.otherTarget': {
    label: 'Target of the other classes',
    help: 't for every other class (thesis ch. 4: 0 for sigmoid, exp-GA and pow3-GA; −1 for tanh; −1 or 0 for linear; pow3-GA also −2).',
    group: 'Training'
  },
  'lossParams.alpha': {
    label: 'Output scale α',
    help: 'α in exp-GA\'s y = α eˣ (thesis ch. 4: 0.1) or pow3-GA\'s y = α x³ + β (0.001).',
    group: 'Training',
    when: { path: 'loss', in: ['exp-ga', 'pow3-ga'] }
  },
  'lossParams.beta': { label: 'Output offset β', help: 'β in pow3-GA\'s y = α x³ + β (thesis ch. 4: 0.4).', group: 'Training', step: 0.1, when: { path: 'loss', in: ['pow3-ga'] } },
  ...optimizerFields('optimizer', 'Training', { learningRate: 'Step size (thesis §7.6 SGD baseline: 0.01; Table 6.1: 0.05); the base rate of the schedule.', momentum: 'SGD momentum; 0 = plain SGD (thesis §7.6: 0.9).' }),
  batchSize: { label: 'Batch size', help: 'Examples per step (thesis §7.6: 32; Table 6.1: 128).', unit: 'examples', group: 'Training' },
  epochs: { label: 'Epochs', help: 'Passes over the training set (thesis §7.6: 75).', group: 'Training' },
  seed: { label: 'Seed', help: 'Seeds data, splits, initialisation, dropout and shuffling: the same seed gives the same numbers on the same backend.', group: 'Training', custom: true },
  ...scheduleFields('schedule', 'Training'),
  ...trainingBasicsFields('Training', 'Data'),
  logEvery: { label: 'Minibatch metrics every N steps', help: 'Log the minibatch loss and accuracy every N steps (full train/validation/test metrics are logged every epoch).', unit: 'steps', group: 'Logging' },
  boundary: { label: 'Decision boundary', help: 'For 2-D inputs: the predicted class over the plane, over training (snapshots every N epochs).', group: 'Logging', defaultValue: { every: 0, resolution: 100 } },
  'boundary.every': { label: 'Boundary every N epochs', help: 'Decision-boundary snapshot every N epochs; 0 = about 50 snapshots per run.', unit: 'epochs', group: 'Logging' },
  'boundary.resolution': { label: 'Boundary grid', help: 'Decision-boundary grid resolution.', unit: 'cells per side', group: 'Logging' }
}

function preset(id: string, title: string, description: string, patch: (c: TrainingConfig) => void): Preset<TrainingConfig> {
  const config = structuredClone(trainingDefaults)
  patch(config)
  return { id, title, description, config }
}

/** `cpu`: the defaults. `paper`: the thesis's SGD baseline on two spirals (§7.6). Times: src-shared/gallery/measured.ts. */
export const trainingPresets: Preset<TrainingConfig>[] = [
  preset('cpu', 'CPU-sized (default)', 'Two spirals, 2 000 points (10 % validation, 20 % test), 3 × 64 ReLU, Adam, 50 epochs.', () => {}),
  preset(
    'paper',
    'Paper scale (thesis §7.6)',
    'The thesis\'s SGD baseline on two spirals: 5 000 points, 2-32-32-32-32 tanh, SGD LR 0.01, momentum 0.9, batch 32, 75 epochs, the LR divided by 10 after epoch 56. Published: 99.17 % test accuracy.',
    (c) => {
      c.dataset = datasetOf('two-spirals', { n: 5000, validationFraction: 0.1 })
      c.network = layers(...[32, 32, 32, 32].map((units) => dense(units, 'tanh')))
      c.optimizer = sgd(0.01, 0.9)
      c.schedule = { kind: 'step', warmupEpochs: 0, every: 56, factor: 0.1 }
      c.batchSize = 32
      c.epochs = 75
    }
  )
]

/**
 * What every run of the study logs (the run page draws these); the probes of a run add their own. Splits are
 * in the keys: train (a fixed subset of ≤ 10 000 training samples for library datasets), val, test.
 */
export const trainingOutputs: OutputDecl[] = [
  { id: 'loss', kind: 'scalars', title: 'Loss', keys: ['train/batch_loss', 'train/loss', 'val/loss', 'test/loss'], logScale: true, yLabel: 'loss' },
  { id: 'accuracy', kind: 'scalars', title: 'Accuracy', keys: ['train/batch_accuracy', 'train/accuracy', 'val/accuracy', 'test/accuracy'], percent: true, yLabel: 'accuracy' },
  { id: 'lr', kind: 'scalars', title: 'Learning rate', keys: ['train/lr'], yLabel: 'learning rate' },
  { id: 'boundary', kind: 'boundary', title: 'Decision boundary', key: 'boundary', pointsKey: 'points', help: 'Drawn for 2-D inputs: the predicted class over the plane, with the training points (filled) and the held-out ones (ringed: validation and test).' },
  { id: 'bridge', kind: 'custom', title: 'Neurashed view (exploration)', panel: 'neurashed-bridge' }
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
  outputs: trainingOutputs,
  trainsNetwork: true
}
