/**
 * The `elasticity-clustering` study: its runner on a synthetic two-cluster image set (elasticity and K-means both
 * separate it), on the built-in MNIST digits end to end with every documented key logged, and readable failures
 * for class choices the config or the dataset cannot satisfy. The runner is called directly with a run context
 * whose dataset library holds the arrays built here (no worker, no build needed).
 */
import { beforeAll, describe, expect, test } from 'vitest'
import { tf, useBackend } from '../../src-main/engine/compute/backend'
import { loadMnistPackage } from '../../src-main/engine/datasets/builtin'
import { RunFailure, type RunContext } from '../../src-main/engine/studies/context'
import { runElasticityClustering } from '../../src-main/engine/studies/elasticity-clustering'
import type { DatasetInfo } from '../../src-shared/datasets'
import { createRng } from '../../src-shared/rng'
import { validateConfig, withDefaults } from '../../src-shared/studies'
import {
  CLUSTERING_METHODS,
  elasticityClusteringConfigSchema,
  elasticityClusteringDefaults,
  elasticityClusteringStudy,
  isElasticityMethod,
  type ElasticityClusteringConfig
} from '../../src-shared/studies/elasticity-clustering'
import type { ClusteringResultsPayload, ElasticityHeatmapPayload } from '../../src-shared/studies/elasticityPayloads'
import { publishedAccuracy } from '../../src-shared/studies/elasticityPublished'
import { unloggedOutputKeys } from './loggedOutputs'

interface Dataset {
  info: DatasetInfo
  x: Uint8Array
  y: Int32Array
}

interface Logged {
  scalars: Map<string, { step: number; value: number }[]>
  series: Map<string, { step: number; payload: any }[]>
  progress: { step: number; total: number; message?: string }[]
}

function contextFor(config: ElasticityClusteringConfig, datasets: Record<string, Dataset>): { ctx: RunContext; logged: Logged } {
  const logged: Logged = { scalars: new Map(), series: new Map(), progress: [] }
  const push = <T>(m: Map<string, T[]>, k: string, v: T) => m.set(k, [...(m.get(k) ?? []), v])
  const ctx: RunContext = {
    tf,
    runId: 'test',
    config,
    seed: config.seed,
    rng: createRng(config.seed),
    backend: 'wasm',
    log: (key, step, value) => push(logged.scalars, key, { step, value }),
    logSeries: (key, step, payload) => push(logged.series, key, { step, payload: JSON.parse(JSON.stringify(payload)) }),
    artifact: () => {},
    progress: (step, total, message) => logged.progress.push({ step, total, message }),
    datasets: {
      load: (id) => {
        const d = datasets[id]
        if (!d) throw new Error(`dataset ${id} not found`)
        return d
      }
    },
    aborted: false
  }
  return { ctx, logged }
}

function info(id: string, name: string, n: number, sample: number[], classes: number): DatasetInfo {
  return {
    id,
    name,
    kind: 'generated',
    spec: {},
    provenance: {},
    shape: { n, sample, dtype: 'uint8', task: 'classification', classes, targets: 1 },
    classNames: null,
    classCounts: null,
    sizeBytes: 0,
    checksum: '',
    parentId: null,
    createdAt: 0
  }
}

/**
 * 12×12 images of 4 classes on dim noise, each a bright thick shape shifted by up to ±1 pixel: 0 a horizontal
 * band (4 rows), 1 a vertical band (4 columns), 2 a centred square, 3 a frame. Classes 0 and 1 are the primary
 * pair: two well-separated clusters of pixel vectors.
 */
function shapeImages(perClass: number, seed: number): Dataset {
  const rng = createRng(seed)
  const S = 12
  const n = perClass * 4
  const x = new Uint8Array(n * S * S)
  const y = new Int32Array(n)
  const inside = [
    (r: number, _c: number) => r >= 4 && r < 8,
    (_r: number, c: number) => c >= 4 && c < 8,
    (r: number, c: number) => r >= 3 && r < 9 && c >= 3 && c < 9,
    (r: number, c: number) => r < 2 || r >= S - 2 || c < 2 || c >= S - 2
  ]
  for (let i = 0; i < n; i++) {
    const cls = i % 4
    y[i] = cls
    const [dr, dc] = [rng.int(3) - 1, rng.int(3) - 1]
    for (let r = 0; r < S; r++)
      for (let c = 0; c < S; c++) x[i * S * S + r * S + c] = inside[cls](r - dr, c - dc) ? 180 + rng.int(76) : rng.int(60)
  }
  return { info: info('shapes', 'shapes', n, [S, S, 1], 4), x, y }
}

const config = (patch: Partial<ElasticityClusteringConfig>): ElasticityClusteringConfig => withDefaults(elasticityClusteringDefaults, patch)

const lastResults = (logged: Logged): ClusteringResultsPayload => logged.series.get('clustering/results')!.at(-1)!.payload

beforeAll(async () => {
  await useBackend('wasm')
})

describe('config', () => {
  test('the defaults are the cpu preset and every template validates, one per published pair', () => {
    expect(elasticityClusteringStudy.presets.find((p) => p.id === 'cpu')!.config).toEqual(elasticityClusteringDefaults)
    for (const p of elasticityClusteringStudy.presets) expect(elasticityClusteringConfigSchema.safeParse(p.config).success).toBe(true)
    expect(elasticityClusteringStudy.templates.length).toBe(6)
    for (const t of elasticityClusteringStudy.templates) {
      expect(elasticityClusteringConfigSchema.safeParse(t.config).success, t.id).toBe(true)
      // Each template is a published pair with its auxiliary classes, so every model method has a published number.
      expect(publishedAccuracy(t.config.primary, t.config.auxiliary, 'kernelized-cnn'), t.id).not.toBeNull()
    }
  })

  test('a primary class that is also auxiliary, or the same class twice, is refused with a message naming it', () => {
    const clash = validateConfig('elasticity-clustering', config({ primary: [4, 9], auxiliary: [9, 7] }))
    expect(clash.ok).toBe(false)
    expect(clash.ok ? [] : clash.problems).toContainEqual({ path: 'auxiliary', message: 'class 9 is both primary and auxiliary; an auxiliary class must be another class' })
    const same = elasticityClusteringConfigSchema.safeParse(config({ primary: [3, 3] }))
    expect(same.success).toBe(false)
    expect(same.error!.issues[0].message).toMatch(/primary classes must differ/)
  })
})

describe('runner on a synthetic two-cluster image set', () => {
  test('K-means and at least one elasticity variant separate the two primary classes (> 90 %)', async () => {
    const cfg = config({
      dataset: { datasetId: 'shapes', perClass: 30, pixelScale: 'symmetric' },
      primary: [0, 1],
      auxiliary: [2, 3],
      methods: ['kmeans', 'pixel-kernel', 'relative-mlp', 'kernelized-mlp'],
      hiddenUnits: 128,
      pretrain: { epochs: 10, batchSize: 20, learningRate: 0.01, linearLearningRate: 0.001 }
    })
    const { ctx, logged } = contextFor(cfg, { shapes: shapeImages(40, 3) })
    const summary = await runElasticityClustering(ctx)
    const acc = (id: string) => summary.final[`accuracy/${id}`]
    expect(acc('kmeans')).toBeGreaterThan(0.9)
    expect(Math.max(acc('relative-mlp'), acc('kernelized-mlp'))).toBeGreaterThan(0.9)
    // The payload is the same table, with no published numbers for a dataset that is not MNIST.
    const results = lastResults(logged)
    expect(results.methods.map((m) => m.id)).toEqual(['kmeans', 'pixel-kernel', 'relative-mlp', 'kernelized-mlp'])
    expect(results.methods.every((m) => m.published === null)).toBe(true)
    expect(results.methods.find((m) => m.id === 'kernelized-mlp')!.accuracy).toBe(acc('kernelized-mlp'))
  })

  test("the slides' one-pass procedure also separates them with the kernelized FNN", async () => {
    const cfg = config({
      dataset: { datasetId: 'shapes', perClass: 30, pixelScale: 'symmetric' },
      primary: [0, 1],
      auxiliary: [2, 3],
      procedure: 'one-pass',
      methods: ['relative-mlp', 'kernelized-mlp'],
      hiddenUnits: 128,
      learningRate: 0.01
    })
    const { ctx, logged } = contextFor(cfg, { shapes: shapeImages(40, 4) })
    const summary = await runElasticityClustering(ctx)
    expect(summary.final['accuracy/kernelized-mlp']).toBeGreaterThan(0.9)
    expect(lastResults(logged).procedure).toBe('one-pass')
  })
})

describe('runner on the built-in MNIST digits', () => {
  test('a tiny config runs every method end to end and logs every documented key', async () => {
    const mnist = loadMnistPackage()
    const dataset: Dataset = { info: info('builtin-mnist', mnist.name, mnist.shape.n, mnist.shape.sample, 10), x: mnist.arrays.x as Uint8Array, y: mnist.arrays.y as Int32Array }
    const cfg = config({
      primary: [7, 9],
      auxiliary: [4, 5],
      dataset: { datasetId: 'builtin-mnist', perClass: 8, pixelScale: 'symmetric' },
      hiddenUnits: 64,
      cnn: { filters1: 4, filters2: 4, kernelSize: 5, denseUnits: 16 },
      pretrain: { epochs: 3, batchSize: 16, learningRate: 0.001, linearLearningRate: 0.001 },
      pcaComponents: 10,
      restarts: 3
    })
    const { ctx, logged } = contextFor(cfg, { 'builtin-mnist': dataset })
    const summary = await runElasticityClustering(ctx)
    // Every method of the table, in its order.
    const results = lastResults(logged)
    expect(results.methods.map((m) => m.id)).toEqual([...CLUSTERING_METHODS])
    expect(results).toMatchObject({ primary: [7, 9], auxiliary: [4, 5], procedure: 'pretrain', pixelScale: 'symmetric', perClass: 8 })
    for (const id of CLUSTERING_METHODS) {
      const a = summary.final[`accuracy/${id}`]
      expect(logged.scalars.get(`accuracy/${id}`)!.map((p) => p.value)).toEqual([a])
      expect(results.methods.find((m) => m.id === id)!.accuracy).toBe(a)
      expect(results.methods.find((m) => m.id === id)!.published).toBe(publishedAccuracy([7, 9], [4, 5], id))
    }
    // The results table grows as methods finish (one entry per method).
    expect(logged.series.get('clustering/results')!.map((e) => e.payload.methods.length)).toEqual(CLUSTERING_METHODS.map((_, i) => i + 1))
    // Every declared output was logged; each heatmap is n × n with points ordered by class.
    expect(unloggedOutputKeys(elasticityClusteringStudy.outputs, logged.scalars.keys(), logged.series.keys())).toEqual([])
    for (const id of CLUSTERING_METHODS.filter(isElasticityMethod)) {
      const h: ElasticityHeatmapPayload = logged.series.get(`clustering/matrix/${id}`)![0].payload
      expect(h.n).toBe(16)
      expect(Buffer.from(h.values, 'base64').byteLength).toBe(16 * 16 * 4)
      expect(h.order.map((i) => h.truth[i])).toEqual([...h.truth].sort())
      expect(h.truth.filter((t) => t === 1).length).toBe(8)
      // The reported accuracy is the best match of the clusters it drew to the true classes, counted here by hand.
      const agree = h.assigned.filter((c, i) => c === h.truth[i]).length
      expect(summary.final[`accuracy/${id}`]).toBeCloseTo(Math.max(agree, h.n - agree) / h.n, 12)
    }
    // Progress reached its total, never beyond it.
    const last = logged.progress.at(-1)!
    expect(last.step).toBe(last.total)
    expect(logged.progress.every((p) => p.step <= p.total)).toBe(true)
  })
})

describe('invalid class choices', () => {
  test('a class out of range for the dataset fails with a readable message', async () => {
    const { ctx } = contextFor(config({ dataset: { datasetId: 'shapes', perClass: 5, pixelScale: 'unit' }, primary: [0, 7], auxiliary: [2] }), { shapes: shapeImages(10, 1) })
    const err = await runElasticityClustering(ctx).catch((e) => e)
    expect(err).toBeInstanceOf(RunFailure)
    expect(err.message).toMatch(/primary class 7 is out of range: dataset "shapes" has 4 classes \(0–3\)/)
  })

  test('more examples per class than the dataset holds fails naming the class and the limit', async () => {
    const { ctx } = contextFor(config({ dataset: { datasetId: 'shapes', perClass: 50, pixelScale: 'unit' }, primary: [0, 1], auxiliary: [2] }), { shapes: shapeImages(10, 1) })
    await expect(runElasticityClustering(ctx)).rejects.toThrow(/class 0 \(0\) has only 10 examples in dataset "shapes"; lower "examples per class" \(50\) to at most 10/)
  })
})
