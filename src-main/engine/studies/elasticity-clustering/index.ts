/**
 * Runner of the `elasticity-clustering` study (slides' "Local Elasticity Based Clustering"; spec
 * `local-elasticity.md`, experiment 3). Draws P (two primary classes, +1) and A (auxiliary classes, −1), runs the
 * chosen methods in the table's order — pixel baselines, then per model (linear, FNN, CNN) one procedure that
 * yields both its relative and its kernelized matrix — clusters every matrix's S_sym = ½(S + Sᵀ) into 2 groups by
 * kernel K-means and scores it by best-matching accuracy. Logs as each method finishes: 'accuracy/<id>', the
 * whole results table ('clustering/results', so the view fills live) and, per elasticity method, the heatmap
 * ('clustering/matrix/<id>').
 */
import { bestMatchAccuracy, kernelKMeans, symmetrize, type Clustering } from '../../../../src-shared/elasticity'
import { deriveSeed } from '../../../../src-shared/rng'
import { CLUSTERING_METHODS, CLUSTERING_METHOD_LABELS, type ElasticityClusteringConfig } from '../../../../src-shared/studies/elasticity-clustering'
import type { ClusteringResultsPayload } from '../../../../src-shared/studies/elasticityPayloads'
import { publishedAccuracy } from '../../../../src-shared/studies/elasticityPublished'
import type { RunContext, StudyRunner } from '../context'
import { kMeansPixels, pcaKMeans, pixelKernelKMeans } from './baselines'
import { loadClusteringData, type ClusteringData } from './data'
import { onePass, onePassUnits, pretrainThenProbe, pretrainUnits, type ElasticityMatrices } from './elasticity'
import { buildClusteringModel, MODEL_KINDS, type ModelKind } from './models'
import { heatmapPayload } from './payloads'

const MODEL_LABEL: Record<ModelKind, string> = { linear: 'linear', mlp: 'FNN', cnn: 'CNN' }

/** Targets per row: one output (+1 or 1 for P, −1 or 0 for A) or one-hot (primary, auxiliary). */
function targetsOf(cfg: ElasticityClusteringConfig, data: ClusteringData): { targets: Float32Array; outputs: number } {
  const N = data.n + data.m
  if (cfg.loss === 'softmax-cross-entropy') {
    const targets = new Float32Array(N * 2)
    for (let r = 0; r < N; r++) targets[r * 2 + (r < data.n ? 0 : 1)] = 1
    return { targets, outputs: 2 }
  }
  const negative = cfg.targets === 'plus-minus' ? -1 : 0
  return { targets: Float32Array.from({ length: N }, (_, r) => (r < data.n ? 1 : negative)), outputs: 1 }
}

/** The published numbers are for the MNIST digits (not Fashion-MNIST or other datasets). */
const isMnistDigits = (cfg: ElasticityClusteringConfig, data: ClusteringData) =>
  cfg.dataset.datasetId === 'builtin-mnist' || (/mnist/i.test(data.datasetName) && !/fashion/i.test(data.datasetName) && data.classNames.length === 10)

export const runElasticityClustering: StudyRunner = async (ctx: RunContext) => {
  const { tf } = ctx
  const cfg = ctx.config as ElasticityClusteringConfig
  const started = performance.now()
  const data = loadClusteringData(ctx, cfg)
  const { n, m, d } = data
  const xP = data.x.subarray(0, n * d)
  const methods = CLUSTERING_METHODS.filter((id) => cfg.methods.includes(id))
  const kinds = MODEL_KINDS.filter((kind) => methods.some((id) => id === `relative-${kind}` || id === `kernelized-${kind}`))
  const published = isMnistDigits(cfg, data)
  const clusterOptions = { seed: deriveSeed(ctx.seed, 'cluster'), restarts: cfg.restarts }

  // Progress: one unit per baseline, per SGD step and per probed example, so the ETA spans all methods.
  const modelUnits = cfg.procedure === 'one-pass' ? onePassUnits(n, m) : pretrainUnits(n, m, cfg.pretrain)
  const totalUnits = methods.filter((id) => !id.includes('relative-') && !id.includes('kernelized-')).length + kinds.length * modelUnits
  let done = 0
  const tick = (message: string) => ctx.progress(++done, totalUnits, message)

  const results: ClusteringResultsPayload = {
    primary: [cfg.primary[0], cfg.primary[1]],
    auxiliary: [...cfg.auxiliary],
    classNames: data.classNames,
    procedure: cfg.procedure,
    pixelScale: cfg.dataset.pixelScale,
    perClass: cfg.dataset.perClass,
    methods: []
  }
  const final: Record<string, number> = {}
  const finish = (id: (typeof CLUSTERING_METHODS)[number], clustering: Clustering, seconds: number) => {
    const accuracy = bestMatchAccuracy(clustering.labels, data.truth, 2)
    const index = results.methods.length
    results.methods.push({ id, label: CLUSTERING_METHOD_LABELS[id], accuracy, published: published ? publishedAccuracy(cfg.primary, cfg.auxiliary, id) : null, seconds })
    final[`accuracy/${id}`] = accuracy
    ctx.log(`accuracy/${id}`, index, accuracy)
    ctx.logSeries('clustering/results', index, results)
  }
  const timed = <T>(f: () => T): [T, number] => {
    const t0 = performance.now()
    const v = f()
    return [v, (performance.now() - t0) / 1000]
  }

  ctx.progress(0, totalUnits, 'baselines')
  if (methods.includes('kmeans') && !ctx.aborted) {
    const [c, s] = timed(() => kMeansPixels(xP, n, d, clusterOptions))
    finish('kmeans', c, s)
    tick('K-means')
  }
  if (methods.includes('pca-kmeans') && !ctx.aborted) {
    const [c, s] = timed(() => pcaKMeans(xP, n, d, cfg.pcaComponents, clusterOptions))
    finish('pca-kmeans', c, s)
    tick('PCA + K-means')
  }
  if (methods.includes('pixel-kernel') && !ctx.aborted) {
    const [r, s] = timed(() => pixelKernelKMeans(tf, xP, n, d, clusterOptions))
    finish('pixel-kernel', r.clustering, s)
    ctx.logSeries('clustering/matrix/pixel-kernel', 0, heatmapPayload('pixel-kernel', r.kernel, n, data.truth, r.clustering.labels, deriveSeed(ctx.seed, 'heatmap')))
    tick('pixel kernel')
  }

  const { targets, outputs } = targetsOf(cfg, data)
  const loss = cfg.loss
  for (const kind of kinds) {
    if (ctx.aborted) break
    const t0 = performance.now()
    const model = buildClusteringModel(tf, kind, cfg, data.sample, outputs, deriveSeed(ctx.seed, `init/${kind}`))
    let matrices: ElasticityMatrices | null
    try {
      const input = {
        tf,
        model,
        loss,
        x: data.x,
        targets,
        outputs,
        n,
        m,
        sample: data.sample,
        eta: cfg.learningRate,
        seed: deriveSeed(ctx.seed, `order/${kind}`),
        aborted: () => ctx.aborted,
        tick: (message: string) => tick(`${MODEL_LABEL[kind]}: ${message}`)
      }
      const pretrain = { ...cfg.pretrain, learningRate: kind === 'linear' ? cfg.pretrain.linearLearningRate : cfg.pretrain.learningRate, ctx, probes: cfg.probes, name: kind }
      matrices = cfg.procedure === 'one-pass' ? onePass(input) : await pretrainThenProbe(input, pretrain)
    } finally {
      model.dispose()
    }
    if (!matrices) break
    const mats = matrices
    // Not in the payload contract: how well the pretrained model fits P ∪ A (last epoch's mean loss).
    if (mats.pretrainLoss !== undefined) ctx.log(`pretrain/loss/${kind}`, 0, mats.pretrainLoss)
    const passSeconds = (performance.now() - t0) / 1000
    for (const variant of ['relative', 'kernelized'] as const) {
      const id = `${variant}-${kind}` as (typeof CLUSTERING_METHODS)[number]
      if (!methods.includes(id)) continue
      const [{ sSym, clustering }, s] = timed(() => {
        const sSym = symmetrize(mats[variant], n)
        return { sSym, clustering: kernelKMeans(sSym, n, 2, clusterOptions) }
      })
      // A method's time: the model's pass (shared by its two variants) plus its own clustering.
      finish(id, clustering, passSeconds + s)
      ctx.logSeries(`clustering/matrix/${id}`, 0, heatmapPayload(id, sSym, n, data.truth, clustering.labels, deriveSeed(ctx.seed, 'heatmap')))
    }
  }

  return {
    final,
    steps: done,
    epochs: cfg.procedure === 'pretrain' ? cfg.pretrain.epochs : 1,
    wallSeconds: (performance.now() - started) / 1000,
    samplesPerSecond: 0
  }
}
