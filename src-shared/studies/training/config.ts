/**
 * Study `training`: train a network on a toy dataset (TensorFlow-Playground style, but real and saved) or on a
 * dataset of the library. The config is the complete, reproducible description of a run (like Playground's
 * state.ts) and holds exactly what the run uses: the dataset, optimiser, network and layers are discriminated
 * unions, so a 10-class library run stores no board size and an Adam run no momentum.
 */
import { z } from 'zod'
import { graphProblems } from '../../network/configCheck'
import { layerSchema, upgradeLayer, type Layer } from '../../network/layers'
import { networkGraphSchema, type NetworkGraph } from '../../network/spec'
import { probesSchema } from '../../probes'
import { checkpointEverySchema, earlyStoppingSchema, validationFractionSchema, weightDecaySchema } from '../../training/basics'
import { optimizerSchema, upgradeOptimizer } from '../../training/optimizer'
import { CONSTANT_SCHEDULE, scheduleSchema } from '../../training/schedule'
import { inferNetworkShapes } from '../networkShapes'
import { LOSSES, lossParamsProblems, lossParamsSchema } from './outputs'

export { ACTIVATIONS, LAYER_TYPES, layerSchema, type Activation, type Layer } from '../../network/layers'
export { OPTIMIZER_KINDS } from '../../training/optimizer'
export { GA_LOSSES, LOSSES, LOSS_PARAMS_DEFAULTS, PLAIN_LOSSES, isGaLoss, type GaLoss, type LossKind, type LossParams } from './outputs'

export const PLANAR_DATASETS = ['two-spirals', 'checkerboard', 'circles', 'xor', 'gaussian'] as const
export const TOY_DATASETS = [...PLANAR_DATASETS, 'random-labels'] as const
/** `stored`: a dataset of the library (generated, imported or transformed), named by `datasetId`. */
export const DATASET_KINDS = [...TOY_DATASETS, 'stored'] as const
export type DatasetKind = (typeof DATASET_KINDS)[number]

const split = {
  /** Fraction of the samples held out as the test set. */
  testFraction: z.number().min(0.05).max(0.9),
  validationFraction: validationFractionSchema
}
const n = z.number().int().min(20).max(200_000)
/** Gaussian jitter added to the points, as a fraction of the data's extent. */
const noise = z.number().min(0).max(1)
const planar = <K extends (typeof PLANAR_DATASETS)[number]>(kind: K) => z.strictObject({ kind: z.literal(kind), n, noise, ...split })

export const datasetSchema = z.discriminatedUnion('kind', [
  planar('two-spirals'),
  z.strictObject({ kind: z.literal('checkerboard'), n, noise, ...split, cells: z.number().int().min(2).max(32) }),
  planar('circles'),
  planar('xor'),
  planar('gaussian'),
  /** Inputs uniform in [0, 1)^dims, labels uniform over `classes` (Zhang et al. 2017). */
  z.strictObject({ kind: z.literal('random-labels'), n, ...split, dims: z.number().int().min(1).max(4096), classes: z.number().int().min(2).max(100) }),
  z.strictObject({ kind: z.literal('stored'), datasetId: z.string({ error: 'choose a dataset from the library' }).min(1, 'choose a dataset from the library').max(100), ...split })
])
export type DatasetSpec = z.infer<typeof datasetSchema>
/** The inline (generated) kinds. */
export type ToyDatasetSpec = Exclude<DatasetSpec, { kind: 'stored' }>

/** What each dataset kind starts with when the form switches to it (shared fields such as n are kept). */
export const DATASET_VARIANTS: Record<DatasetKind, DatasetSpec> = {
  'two-spirals': { kind: 'two-spirals', n: 2000, noise: 0, testFraction: 0.2, validationFraction: 0 },
  checkerboard: { kind: 'checkerboard', n: 5000, noise: 0, testFraction: 0.2, validationFraction: 0, cells: 8 },
  circles: { kind: 'circles', n: 1000, noise: 0.05, testFraction: 0.2, validationFraction: 0 },
  xor: { kind: 'xor', n: 1000, noise: 0.02, testFraction: 0.2, validationFraction: 0 },
  gaussian: { kind: 'gaussian', n: 1000, noise: 0.1, testFraction: 0.2, validationFraction: 0 },
  'random-labels': { kind: 'random-labels', n: 2500, testFraction: 0.2, validationFraction: 0, dims: 784, classes: 10 },
  stored: { kind: 'stored', datasetId: '', testFraction: 0.2, validationFraction: 0 } as DatasetSpec
}

/** The network: a layer list (hidden layers; the output layer is added from the loss) or a layer graph. */
export const networkSchema = z.discriminatedUnion('form', [
  z.strictObject({ form: z.literal('layers'), layers: z.array(layerSchema).min(1).max(16) }),
  z.strictObject({ form: z.literal('graph'), graph: networkGraphSchema })
])
export type NetworkConfig = z.infer<typeof networkSchema>

/** The decision boundary of 2-D data: a snapshot every N epochs (0 = about 50 per run) on a grid of this resolution. */
export const boundarySchema = z.strictObject({
  every: z.number().int().min(0).max(100_000),
  resolution: z.number().int().min(100).max(400)
})

export const trainingConfigSchema = z
  .strictObject({
    dataset: datasetSchema,
    network: networkSchema,
    /** The output layer and loss (./outputs.ts): the lab's softmax CE and MSE, or a variant of thesis ch. 4. */
    loss: z.enum(LOSSES),
    /** Targets (and α, β) of the thesis ch. 4 variants; present exactly for them. */
    lossParams: lossParamsSchema.optional(),
    optimizer: optimizerSchema,
    schedule: scheduleSchema,
    weightDecay: weightDecaySchema,
    earlyStopping: earlyStoppingSchema.optional(),
    batchSize: z.number().int().min(1).max(65_536),
    epochs: z.number().int().min(1).max(100_000),
    seed: z.number().int().min(0).max(2 ** 31 - 1),
    /** Log the minibatch loss and accuracy every N steps (full metrics are logged every epoch). */
    logEvery: z.number().int().min(1).max(1_000_000),
    checkpointEvery: checkpointEverySchema,
    /** Present for data that can be 2-D (toy data, stored datasets); drawn when the inputs are 2-D. */
    boundary: boundarySchema.optional(),
    probes: probesSchema.optional()
  })
  .superRefine((c, ctx) => {
    for (const p of lossParamsProblems(c.loss, c.lossParams)) ctx.addIssue({ code: 'custom', path: p.path, message: p.message })
    if (c.earlyStopping && !(c.dataset.validationFraction > 0)) {
      ctx.addIssue({ code: 'custom', path: ['earlyStopping'], message: 'early stopping watches the validation split: set a validation fraction above 0' })
    }
    if (c.dataset.testFraction + c.dataset.validationFraction > 0.95) {
      ctx.addIssue({ code: 'custom', path: ['dataset', 'validationFraction'], message: 'test and validation fractions together leave almost nothing to train on (at most 0.95 in all)' })
    }
    if (c.probes?.some((p) => p.id === 'confusion' && p.params.split === 'val') && !(c.dataset.validationFraction > 0)) {
      const i = c.probes.findIndex((p) => p.id === 'confusion')
      ctx.addIssue({ code: 'custom', path: ['probes', i, 'params', 'split'], message: 'the validation split is empty: set a validation fraction, or measure on test' })
    }
    // Toy datasets have known flat inputs, so the network is checked here. A stored dataset's sample shape is
    // known only with the dataset: the form checks it then, and the run fails with the same message.
    const input = toyInputShape(c.dataset)
    const outputs = c.dataset.kind === 'random-labels' ? c.dataset.classes : 2
    if (c.network.form === 'graph') {
      for (const p of graphProblems(c.network.graph, input ? { input, outputs } : null)) ctx.addIssue({ code: 'custom', path: p.path, message: p.message })
      return
    }
    if (!input) return
    const shapes = inferNetworkShapes(c.network.layers, input, outputs)
    if (!shapes.ok) ctx.addIssue({ code: 'custom', path: shapes.layerIndex === null ? ['dataset'] : ['network', 'layers', shapes.layerIndex], message: shapes.message })
  })

export type TrainingConfig = z.infer<typeof trainingConfigSchema>

/** Sample shape of an inline toy dataset ([2], or [dims] for random-labels); null for a stored one. */
export function toyInputShape(d: DatasetSpec): number[] | null {
  if (d.kind === 'stored') return null
  return [d.kind === 'random-labels' ? d.dims : 2]
}

/** The hidden layers of a config's network as a list, when it is one (a graph is not). */
export function layerList(c: Pick<TrainingConfig, 'network'>): Layer[] | null {
  return c.network.form === 'layers' ? c.network.layers : null
}

export function layers(...l: Layer[]): NetworkConfig {
  return { form: 'layers', layers: l }
}

export function graphNetwork(graph: NetworkGraph): NetworkConfig {
  return { form: 'graph', graph }
}

export const trainingDefaults: TrainingConfig = {
  dataset: { kind: 'two-spirals', n: 2000, noise: 0, testFraction: 0.2, validationFraction: 0.1 },
  network: layers(
    { type: 'dense', units: 64, activation: 'relu' },
    { type: 'dense', units: 64, activation: 'relu' },
    { type: 'dense', units: 64, activation: 'relu' }
  ),
  loss: 'softmax-cross-entropy',
  optimizer: { kind: 'adam', learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
  schedule: CONSTANT_SCHEDULE,
  weightDecay: 0,
  batchSize: 32,
  epochs: 50,
  seed: 1,
  logEvery: 25,
  checkpointEvery: 0,
  boundary: { every: 0, resolution: 100 }
}

/**
 * A config of the pre-discrimination format (every dataset field always present, `layers` and `graph` side by
 * side, `momentum` on Adam, `probes.elasticity`, `boundaryEvery`/`boundaryResolution` at the top) in today's
 * format, meaning exactly what it meant: no validation split, a constant learning rate, no weight decay, no
 * checkpoints. Each part is upgraded on its own and only when it is in the old form, so today's configs pass
 * through unchanged and partial configs (a config file, a sweep's base) keep what they leave out.
 */
export function upgradeTrainingConfig(old: unknown): unknown {
  if (!old || typeof old !== 'object' || Array.isArray(old)) return old
  const o = { ...(old as Record<string, any>) }
  const legacyDataset = o.dataset && typeof o.dataset === 'object' && !('validationFraction' in o.dataset)
  const legacyNetwork = o.network && typeof o.network === 'object' && !('form' in o.network)
  const legacyTop = 'boundaryEvery' in o || 'boundaryResolution' in o || (o.probes && typeof o.probes === 'object' && !Array.isArray(o.probes))
  if (!legacyDataset && !legacyNetwork && !legacyTop && !(o.optimizer?.kind === 'adam' && 'momentum' in o.optimizer)) return old
  const legacy = legacyDataset || legacyNetwork || legacyTop
  if (legacyDataset) {
    // Fields the old format left out took its defaults then: n 2000, noise 0, test 0.2, 8 cells, 2 dims, 2 classes.
    const d = o.dataset
    const splitOf = { testFraction: d.testFraction ?? 0.2, validationFraction: 0 }
    const kind = d.kind ?? 'two-spirals'
    const n = d.n ?? 2000
    if (kind === 'stored') o.dataset = { kind, ...(d.datasetId !== undefined ? { datasetId: d.datasetId } : {}), ...splitOf }
    else if (kind === 'random-labels') o.dataset = { kind, n, ...splitOf, dims: d.dims ?? 2, classes: d.classes ?? 2 }
    else if (kind === 'checkerboard') o.dataset = { kind, n, noise: d.noise ?? 0, ...splitOf, cells: d.cells ?? 8 }
    else o.dataset = { kind, n, noise: d.noise ?? 0, ...splitOf }
  }
  if (legacyNetwork) o.network = o.network.graph ? { form: 'graph', graph: o.network.graph } : { form: 'layers', layers: (o.network.layers ?? []).map(upgradeLayer) }
  if (o.optimizer) o.optimizer = upgradeOptimizer(o.optimizer)
  if (legacy) {
    // What the old trainer did: no schedule, no weight decay, no checkpoints.
    o.schedule ??= CONSTANT_SCHEDULE
    o.weightDecay ??= 0
    o.checkpointEvery ??= 0
  }
  if ('boundaryEvery' in o || 'boundaryResolution' in o) {
    const d = o.dataset
    // The boundary applied to inputs that could be 2-D (it was only ever drawn for them).
    const maybePlanar = !d || d.kind !== 'random-labels' || (d.dims ?? 2) === 2
    if (maybePlanar) o.boundary = { every: o.boundaryEvery ?? 0, resolution: o.boundaryResolution ?? 100 }
    delete o.boundaryEvery
    delete o.boundaryResolution
  } else if (legacyDataset && !o.boundary && (o.dataset.kind !== 'random-labels' || o.dataset.dims === 2)) {
    o.boundary = { every: 0, resolution: 100 }
  }
  if (o.probes && typeof o.probes === 'object' && !Array.isArray(o.probes)) {
    const le = o.probes.elasticity
    if (le?.enabled) o.probes = [{ id: 'local-elasticity', every: le.every, params: { basePoints: le.basePoints, testPoints: le.testPoints, gamma: le.gamma, kernel: le.kernel, k: le.k } }]
    else delete o.probes
  }
  return o
}

/** Scalar and series keys the pre-trainer probe logged, and their names today (for stored runs). */
export const RENAMED_KEYS: Record<string, string> = {
  'elasticity/locality': 'local-elasticity/locality',
  'elasticity/probe': 'local-elasticity/matrix'
}
