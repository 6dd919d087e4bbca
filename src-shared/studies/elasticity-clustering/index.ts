/**
 * Study `elasticity-clustering`: the slides' "Local Elasticity Based Clustering" (He & Su, ICLR 2020; study spec
 * `local-elasticity.md`, experiment 3). A classifier learns primary (+1) against auxiliary (−1) images; how much a
 * step on one primary image moves the predictions on the others is a similarity, clustered by kernel K-means
 * into the two primary classes and scored by best-matching accuracy, beside K-means baselines on the pixels.
 */
import { z } from 'zod'
import { templateCard, type GalleryCard } from '../../gallery/cards'
import { probesSchema } from '../../probes'
import type { FieldMeta, Preset, StudyDescriptor, Template } from '../descriptor'
import { CLUSTERING_METHODS, PUBLISHED_MNIST } from '../elasticityPublished'

export { CLUSTERING_METHODS, CLUSTERING_METHOD_LABELS } from '../elasticityPublished'

export const CLUSTERING_PROCEDURES = ['one-pass', 'pretrain'] as const
export const PIXEL_SCALES = ['unit', 'symmetric'] as const
export const CLUSTERING_LOSSES = ['mse', 'softmax-cross-entropy'] as const
export const CLUSTERING_TARGETS = ['plus-minus', 'one-zero'] as const

/** The methods that measure elasticity with a model (the others cluster pixels). */
export const isElasticityMethod = (id: string): boolean => id.startsWith('relative-') || id.startsWith('kernelized-')

const classIndex = z.number().int().min(0).max(999)

export const elasticityClusteringConfigSchema = z
  .strictObject({
    dataset: z.strictObject({
      /** A classification image dataset of the library (default: the built-in MNIST digits). */
      datasetId: z.string().min(1).max(100),
      /** Seeded examples taken from each primary and each auxiliary class. */
      perClass: z.number().int().min(4).max(5000),
      pixelScale: z.enum(PIXEL_SCALES)
    }),
    /** The two classes to separate (the primary set P, labelled +1). */
    primary: z.array(classIndex).length(2, 'choose exactly two primary classes'),
    /** The other classes the classifier learns against (the auxiliary set A, labelled −1). */
    auxiliary: z.array(classIndex).min(1, 'choose at least one auxiliary class: the classifier learns primary against auxiliary').max(20),
    procedure: z.enum(CLUSTERING_PROCEDURES),
    methods: z.array(z.enum(CLUSTERING_METHODS)).min(1, 'choose at least one method'),
    /** mse: one output (the slides' ℓ2); softmax-cross-entropy: two outputs (primary, auxiliary). */
    loss: z.enum(CLUSTERING_LOSSES),
    /** Targets of the one-output squared loss: +1/−1 (slides) or 1/0 (original code). */
    targets: z.enum(CLUSTERING_TARGETS),
    /** SGD step η of the measured steps (one-pass: every step; pretrain: the probe step γ, tripled on underflow). */
    learningRate: z.number().gt(0).max(10),
    pretrain: z.strictObject({
      epochs: z.number().int().min(1).max(2000),
      batchSize: z.number().int().min(1).max(4096),
      learningRate: z.number().gt(0).max(10),
      /** The two-layer linear net's own rate: without activations it diverges at rates the FNN needs. */
      linearLearningRate: z.number().gt(0).max(10)
    }),
    /** Width of the hidden layer of the FNN and of the two-layer linear net. */
    hiddenUnits: z.number().int().min(1).max(65_536),
    cnn: z.strictObject({
      filters1: z.number().int().min(1).max(256),
      filters2: z.number().int().min(1).max(256),
      kernelSize: z.number().int().min(1).max(9),
      denseUnits: z.number().int().min(1).max(4096)
    }),
    pcaComponents: z.number().int().min(1).max(784),
    /** Restarts of K-means and kernel K-means (the lowest objective wins). */
    restarts: z.number().int().min(1).max(100),
    seed: z.number().int().min(0).max(2 ** 31 - 1),
    /** Probes on the pretrained models (procedure 'pretrain'; keys carry the model: `gradient-rms/mlp/dense1`). */
    probes: probesSchema.optional()
  })
  .superRefine((c, ctx) => {
    if (c.primary.length === 2 && c.primary[0] === c.primary[1]) ctx.addIssue({ code: 'custom', path: ['primary', 1], message: `the two primary classes must differ (both are ${c.primary[0]})` })
    const clash = c.auxiliary.filter((a) => c.primary.includes(a))
    if (clash.length) ctx.addIssue({ code: 'custom', path: ['auxiliary'], message: `class ${clash.join(', ')} is both primary and auxiliary; an auxiliary class must be another class` })
    if (new Set(c.auxiliary).size !== c.auxiliary.length) ctx.addIssue({ code: 'custom', path: ['auxiliary'], message: 'an auxiliary class is listed twice' })
    if (new Set(c.methods).size !== c.methods.length) ctx.addIssue({ code: 'custom', path: ['methods'], message: 'a method is listed twice' })
  })

export type ElasticityClusteringConfig = z.infer<typeof elasticityClusteringConfigSchema>

/** The CPU defaults: 5 vs 8 (auxiliary 3, 9), every method (its time: src-shared/gallery/measured.ts). */
export const elasticityClusteringDefaults: ElasticityClusteringConfig = {
  dataset: { datasetId: 'builtin-mnist', perClass: 100, pixelScale: 'symmetric' },
  primary: [5, 8],
  auxiliary: [3, 9],
  procedure: 'pretrain',
  methods: [...CLUSTERING_METHODS],
  loss: 'mse',
  targets: 'plus-minus',
  learningRate: 0.001,
  pretrain: { epochs: 30, batchSize: 20, learningRate: 0.001, linearLearningRate: 0.001 },
  hiddenUnits: 1024,
  cnn: { filters1: 8, filters2: 16, kernelSize: 5, denseUnits: 64 },
  pcaComponents: 50,
  restarts: 10,
  seed: 1
}

const pairId = (r: { primary: number[] }) => `mnist-${r.primary[0]}-vs-${r.primary[1]}`

/** One template per pair of the slides' table, with its auxiliary classes. */
export const elasticityClusteringTemplates: Template<ElasticityClusteringConfig>[] = PUBLISHED_MNIST.map((r) => ({
  id: `elasticity-clustering/${pairId(r)}`,
  studyId: 'elasticity-clustering',
  title: `Elasticity clustering: MNIST ${r.primary[0]} vs ${r.primary[1]}`,
  description: `The slides' clustering on the built-in MNIST digits: separate ${r.primary[0]} from ${r.primary[1]} (auxiliary ${r.auxiliary.join(', ')}) by the local elasticity of a linear net, a wide FNN and a small CNN, beside K-means, PCA + K-means and the raw-pixel kernel; the published accuracies are shown beside the lab's.`,
  config: { ...structuredClone(elasticityClusteringDefaults), primary: [...r.primary], auxiliary: [...r.auxiliary] }
}))

const SLIDES = 'He & Su, ICLR 2020, slides "Local Elasticity Based Clustering"'
const CODE = 'HornHehhf/LocalElasticity'

export const elasticityClusteringFields: Record<string, FieldMeta> = {
  dataset: { label: 'Data', help: 'The images the classes are drawn from, how many per class and how their pixels are scaled.', group: 'Data' },
  'dataset.datasetId': { label: 'Dataset', help: `A classification image dataset of the library: the built-in MNIST digits (the slides' "Results on MNIST"), or Fashion-MNIST once imported.`, group: 'Data', custom: true },
  primary: { label: 'Primary classes', help: `The two classes to separate, labelled +1 (the primary set P; ${SLIDES}).`, group: 'Data' },
  'primary.0': { label: 'Primary class A', help: `First class of the primary pair (P, labelled +1; ${SLIDES}).`, group: 'Data' },
  'primary.1': { label: 'Primary class B', help: `Second class of the primary pair (P, labelled +1; ${SLIDES}).`, group: 'Data' },
  auxiliary: { label: 'Auxiliary classes', help: `Other classes the classifier learns against, labelled −1 (the auxiliary set A; the slides' table lists them under each pair).`, group: 'Data', custom: true },
  'dataset.perClass': { label: 'Examples per class', help: `Seeded examples taken from every primary and auxiliary class; n = 2 × this (the original code uses up to 1 000; ${CODE}).`, unit: 'images', group: 'Data' },
  'dataset.pixelScale': {
    label: 'Pixel scaling',
    help: `[0, 1] or [−1, 1] (the original code normalises to [−1, 1]); the scaling changes clustering accuracy by up to ~25 points (study spec), so results always show it.`,
    group: 'Data',
    choices: { unit: '[0, 1]', symmetric: '[−1, 1]' }
  },
  procedure: {
    label: 'Procedure',
    help: `One-pass: the slides' Algorithm 1 — one SGD pass over P ∪ A from the initial weights, each primary example's row measured at its own step. Pretrain: the original code (${CODE}) — train on P ∪ A first, then step from the trained weights on each primary example, measure and restore; this produced the published table.`,
    group: 'Procedure',
    choices: { 'one-pass': "one pass (slides' Algorithm 1)", pretrain: 'pretrain, then step and restore (original code)' }
  },
  methods: { label: 'Methods', help: `Baselines K-means and PCA + K-means on pixels (${SLIDES}), the raw-pixel inner-product kernel with the same kernel K-means (so a gain is attributable to elasticity), and relative / kernelized elasticity of linear, FNN and CNN models.`, group: 'Procedure', custom: true },
  loss: { label: 'Loss', help: `Squared loss with one output (the slides' ℓ2), or softmax cross-entropy with two outputs (then the relative change is the multi-output LE of seed 001, eq. 3.1).`, group: 'Training', choices: { mse: 'squared (ℓ2), one output', 'softmax-cross-entropy': 'softmax cross-entropy, two outputs' } },
  targets: { label: 'Targets', help: `Targets of the one-output squared loss: +1 / −1 as in the slides, or 1 / 0 as in the original code (${CODE}).`, group: 'Training', choices: { 'plus-minus': '+1 / −1 (slides)', 'one-zero': '1 / 0 (original code)' }, when: { path: 'loss', in: ['mse'] } },
  learningRate: { label: 'Step size η', help: `SGD step of the measured steps. One-pass: every step of the pass; pretrain: the probe step γ from the trained weights, tripled while the change underflows (${CODE} starts at 1e-6).`, group: 'Training' },
  pretrain: { label: 'Pretraining', help: `Plain SGD on P ∪ A before the probe steps (procedure "pretrain"; the original code trains for about 200 epochs).`, group: 'Training' },
  'pretrain.epochs': { label: 'Pretrain epochs', help: `Passes over P ∪ A before measuring (${CODE}: about 200).`, group: 'Training', when: { path: 'procedure', in: ['pretrain'] } },
  'pretrain.batchSize': { label: 'Pretrain batch size', help: `Minibatch size of the pretraining (${CODE}: 50).`, unit: 'examples', group: 'Training', when: { path: 'procedure', in: ['pretrain'] } },
  'pretrain.learningRate': { label: 'Pretrain learning rate', help: `SGD learning rate of the pretraining of the FNN and the CNN (${CODE}: 3e-3).`, group: 'Training', when: { path: 'procedure', in: ['pretrain'] } },
  'pretrain.linearLearningRate': { label: 'Pretrain learning rate (linear)', help: `SGD learning rate of the pretraining of the two-layer linear net, which diverges at the FNN's rates (${CODE}: 3e-5).`, group: 'Training', when: { path: 'procedure', in: ['pretrain'] } },
  hiddenUnits: { label: 'Hidden units', help: `Width of the FNN's one ReLU hidden layer and of the two-layer linear net (${CODE}: 40 960).`, unit: 'units', group: 'Models' },
  cnn: { label: 'CNN', help: `conv → max-pool → conv → max-pool → dense → output (${CODE}: 20 and 50 filters of 5 × 5, dense 500).`, group: 'Models' },
  'cnn.filters1': { label: 'CNN filters (1st conv)', help: `Filters of the first convolution (${CODE}: 20).`, group: 'Models' },
  'cnn.filters2': { label: 'CNN filters (2nd conv)', help: `Filters of the second convolution (${CODE}: 50).`, group: 'Models' },
  'cnn.kernelSize': { label: 'CNN kernel size', help: `Side of the convolution kernels (${CODE}: 5).`, unit: 'pixels', group: 'Models' },
  'cnn.denseUnits': { label: 'CNN dense units', help: `Width of the CNN's dense layer (${CODE}: 500).`, unit: 'units', group: 'Models' },
  pcaComponents: { label: 'PCA components', help: `Components kept by the PCA + K-means baseline (${SLIDES}).`, group: 'Clustering' },
  restarts: { label: 'Clustering restarts', help: 'Seeded restarts of K-means and kernel K-means; the lowest objective wins.', group: 'Clustering' },
  seed: { label: 'Seed', help: 'Seeds the examples drawn, the initial weights, the order of the pass and the clustering restarts.', group: 'Clustering', custom: true }
}

export const elasticityClusteringPresets: Preset<ElasticityClusteringConfig>[] = [
  { id: 'cpu', title: 'CPU-sized (default)', description: '100 images per class (n = 200 primary, 100 per auxiliary class), pixels in [−1, 1], pretrain 30 epochs, FNN and linear net 1 024 wide, CNN 8/16 filters 5 × 5 + dense 64, all nine methods.', config: structuredClone(elasticityClusteringDefaults) },
  {
    id: 'paper',
    title: 'Paper scale (original code)',
    description: `The original code's setting (${CODE}): 1 000 images per class, pixels in [−1, 1], targets 1/0, squared loss, 200 pretraining epochs (SGD at 3e-3, the linear net at 3e-5, batch 50), FNN 40 960 wide, CNN 20/50 filters 5 × 5 + dense 500, probe step from 1e-6 tripled on underflow. GPU-scale: hours on a CPU.`,
    config: {
      ...structuredClone(elasticityClusteringDefaults),
      dataset: { datasetId: 'builtin-mnist', perClass: 1000, pixelScale: 'symmetric' },
      procedure: 'pretrain',
      targets: 'one-zero',
      learningRate: 1e-6,
      pretrain: { epochs: 200, batchSize: 50, learningRate: 0.003, linearLearningRate: 0.00003 },
      hiddenUnits: 40_960,
      cnn: { filters1: 20, filters2: 50, kernelSize: 5, denseUnits: 500 }
    }
  }
]

const descriptor: StudyDescriptor<ElasticityClusteringConfig> = {
  id: 'elasticity-clustering',
  title: 'Elasticity-based clustering',
  summary: 'Cluster two image classes by how much an SGD step on one image moves the predictions on the others (local elasticity), against K-means baselines, with the published MNIST table beside the lab\'s numbers.',
  source: `${SLIDES} (Algorithm 1, "Results on MNIST"); ${CODE}`,
  configSchema: elasticityClusteringConfigSchema,
  defaults: elasticityClusteringDefaults,
  templates: elasticityClusteringTemplates,
  fields: elasticityClusteringFields,
  presets: elasticityClusteringPresets,
  outputs: [
    { id: 'results', kind: 'custom', panel: 'clustering', title: 'Clustering accuracy (lab vs published) and S_sym heatmaps', keys: ['accuracy/*'] },
    { id: 'pretrain', kind: 'scalars', title: 'Pretraining loss (last epoch)', keys: ['pretrain/loss/*'], logScale: true }
  ],
  trainsNetwork: true,
  members: ['linear', 'mlp', 'cnn']
}

export const elasticityClusteringCards: GalleryCard[] = PUBLISHED_MNIST.map((row) =>
  templateCard(
    'local-elasticity',
    elasticityClusteringTemplates.find((t) => t.id === `elasticity-clustering/${pairId(row)}`)!,
    {
      source: 'He & Su, ICLR 2020 slides, "Local Elasticity Based Clustering"; HornHehhf/LocalElasticity',
      figure: `Slides "Results on MNIST", ${row.primary[0]} vs ${row.primary[1]} (auxiliary ${row.auxiliary.join(', ')})`,
      expected: `Published: K-means ${row.percent.kmeans} %, ℓ2-kernelized FNN ${row.percent['kernelized-mlp']} %, ℓ2-kernelized CNN ${row.percent['kernelized-cnn']} %.`,
      cpu: elasticityClusteringPresets.find((p) => p.id === 'cpu')!.description,
      paper: elasticityClusteringPresets.find((p) => p.id === 'paper')!.description
    },
    {
      base: elasticityClusteringPresets.find((p) => p.id === 'paper')!.config,
      patch: (c) => {
        c.primary = [...row.primary]
        c.auxiliary = [...row.auxiliary]
      }
    }
  )
)

export const elasticityClusteringStudy: StudyDescriptor<ElasticityClusteringConfig> = { ...descriptor, cards: elasticityClusteringCards }
