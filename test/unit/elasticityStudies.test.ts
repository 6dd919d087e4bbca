/**
 * The local elasticity studies' runners, called in-process with a recording RunContext (no worker, no store):
 * the toy-manifold comparison of a neural net with its linear twin, the class-pair histograms on built-in MNIST
 * digits, and the elasticity probe of the training study. Plus: their templates validate.
 */
import { beforeAll, describe, expect, test } from 'vitest'
import { useBackend } from '../../src-main/engine/compute/backend'
import { runElasticityClasses } from '../../src-main/engine/studies/elasticity-classes'
import { runElasticityManifold } from '../../src-main/engine/studies/elasticity-manifold'
import { runTraining } from '../../src-main/engine/studies/training'
import { STUDIES, validateConfig, withDefaults } from '../../src-shared/studies'
import { elasticityClassesDefaults, elasticityClassesStudy } from '../../src-shared/studies/elasticity-classes'
import { elasticityManifoldDefaults, elasticityManifoldStudy } from '../../src-shared/studies/elasticity-manifold'
import type { ClassHistogramsPayload, ElasticityMatrixPayload, ManifoldPointsPayload } from '../../src-shared/studies/elasticityPayloads'
import { TINY, trainingConfig } from './helpers'
import { unloggedOutputKeys } from './loggedOutputs'
import { mnistLibrary, record } from './recordRun'

const decode = (b64: string) => {
  const bytes = Buffer.from(b64, 'base64')
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength))
}

beforeAll(async () => {
  await useBackend('wasm')
})

describe('elasticity-manifold', () => {
  test('on a small double helix the neural net becomes locally elastic, its linear twin does not', async () => {
    const config = withDefaults(elasticityManifoldDefaults, {
      dataset: { generator: 'double-helix', n: 300 },
      optimizer: { kind: 'sgd', learningRate: 0.05, momentum: 0.9 },
      epochs: 60,
      probe: { every: 20, basePoints: 20, k: 5 }
    })
    const r = await record(runElasticityManifold, config)
    const stepsPerEpoch = Math.ceil(300 / config.batchSize)
    const probeSteps = [0, 20, 40, 60].map((e) => e * stepsPerEpoch)

    const points = r.series['manifold/points']
    expect(points).toHaveLength(1)
    const p = points[0].payload as ManifoldPointsPayload
    expect(p.dims).toBe(3)
    expect(p.x).toHaveLength(900)
    expect(p.label.filter((l) => l === 1)).toHaveLength(150)

    for (const net of ['neural', 'linear']) {
      const entries = r.series[`elasticity/${net}`]
      expect(entries.map((e) => e.step)).toEqual(probeSteps)
      for (const { payload } of entries as { payload: ElasticityMatrixPayload }[]) {
        expect(payload.n).toBe(300)
        expect(payload.bases).toHaveLength(20)
        // Balanced over the two strands.
        expect(payload.bases.filter((b) => p.label[b] === 1)).toHaveLength(10)
        const le = decode(payload.le)
        expect(le).toHaveLength(20 * 300)
        // A base point against itself: LE = 1 by definition.
        payload.bases.forEach((b, i) => expect(le[i * 300 + b]).toBeCloseTo(1, 4))
        expect(payload.gamma).toHaveLength(20)
        expect(payload.gamma.every((g) => g >= config.probe.gamma)).toBe(true)
        expect(payload.k).toBe(5)
      }
      expect(r.scalars[`locality/${net}`].map((s) => s.step)).toEqual(probeSteps)
      for (const key of [`${net}/train/loss`, `${net}/train/accuracy`]) expect(r.scalars[key]).toHaveLength(61)
    }
    const neural = r.summary.final['locality/neural']
    const linear = r.summary.final['locality/linear']
    expect(neural).toBeGreaterThan(1.5)
    expect(neural).toBeGreaterThan(linear + 0.5)
    expect(r.summary.final['neural/train/accuracy']).toBeGreaterThan(0.9)
    expect(r.summary.final['linear/train/accuracy']).toBeLessThan(0.7)
    expect(r.summary.epochs).toBe(60)
    expect(r.summary.steps).toBe(60 * stepsPerEpoch)
    // Every declared output is logged.
    expect(unloggedOutputKeys(elasticityManifoldStudy.outputs, Object.keys(r.scalars), Object.keys(r.series))).toEqual([])
  })

  test('softmax cross-entropy: two logits, the probe measures LE on them', async () => {
    const config = withDefaults(elasticityManifoldDefaults, { dataset: { n: 200 }, loss: 'softmax-cross-entropy', epochs: 3, probe: { every: 3, basePoints: 6, k: 5 } })
    const r = await record(runElasticityManifold, config)
    expect(r.series['elasticity/neural'].map((e) => e.step)).toEqual([0, 3 * Math.ceil(200 / config.batchSize)])
    expect(Number.isFinite(r.summary.final['locality/neural'])).toBe(true)
  })
})

describe('elasticity-classes', () => {
  const datasets = mnistLibrary()

  test('histograms per (base class, test class) count every pair of two different examples, on shared edges', async () => {
    const config = withDefaults(elasticityClassesDefaults, {
      dataset: { perClass: 24 },
      baseClasses: [4, 9],
      testClasses: [4, 9, 1],
      epochs: 3,
      probe: { every: 0, basePerClass: 8, bins: 20 }
    })
    const r = await record(runElasticityClasses, config, { datasets })
    const entries = r.series['elasticity/histograms']
    expect(entries).toHaveLength(1) // every = 0: only at the end
    const h = entries[0].payload as ClassHistogramsPayload
    expect(h.baseClasses).toEqual([4, 9])
    expect(h.testClasses).toEqual([4, 9, 1])
    expect(h.classNames[4]).toBe(datasets.load('builtin-mnist').info.classNames![4])
    expect(h.edges).toHaveLength(21)
    expect(h.edges[0]).toBe(0)
    h.baseClasses.forEach((b, bi) =>
      h.testClasses.forEach((t, ti) => {
        const counts = h.counts[bi][ti]
        expect(counts).toHaveLength(20)
        // 8 base examples × 24 test examples, minus each base example against itself.
        expect(counts.reduce((a, c) => a + c, 0), `${b}-${t}`).toBe(8 * 24 - (b === t ? 8 : 0))
        expect(h.mean[bi][ti]).toBeGreaterThan(0)
        expect(r.scalars[`le/mean/${b}-${t}`].at(-1)!.value).toBeCloseTo(h.mean[bi][ti], 6)
        expect(r.summary.final[`le/mean/${b}-${t}`]).toBeCloseTo(h.mean[bi][ti], 6)
      })
    )
    expect(r.scalars['train/accuracy'].at(-1)!.value).toBeGreaterThan(0.6)
    expect(r.scalars['epoch'].map((s) => s.value)).toEqual([0, 1, 2, 3])
  })

  test('probes every N epochs and at epoch 0; bad classes and unknown datasets fail with a clear message', async () => {
    const config = withDefaults(elasticityClassesDefaults, { dataset: { perClass: 10 }, baseClasses: [3], testClasses: [3, 8], epochs: 2, probe: { every: 1, basePerClass: 3, bins: 5 } })
    const r = await record(runElasticityClasses, config, { datasets })
    const spe = Math.ceil(20 / config.batchSize)
    expect(r.series['elasticity/histograms'].map((e) => e.step)).toEqual([0, spe, 2 * spe])
    await expect(record(runElasticityClasses, { ...config, testClasses: [3, 12] }, { datasets })).rejects.toThrow(/classes 0–9; class 12 does not exist/)
    await expect(record(runElasticityClasses, { ...config, dataset: { ...config.dataset, datasetId: 'gone' } }, { datasets })).rejects.toThrow(/not in the library/)
    await expect(record(runElasticityClasses, { ...config, dataset: { ...config.dataset, perClass: 5000 } }, { datasets })).rejects.toThrow(/examples of class 3; perClass is 5000/)
  })
})

describe('training study: the local-elasticity probe', () => {
  const elasticity = (params: Record<string, unknown>, every = 2) => [{ id: 'local-elasticity', every, params }]

  test('logs the locality and the probe matrix at epoch 0, every N epochs and the end when attached', async () => {
    const config = trainingConfig({ ...TINY, probes: elasticity({ basePoints: 6, testPoints: 60, gamma: 0.01, kernel: true, k: 5 }) })
    expect(validateConfig('training', config)).toMatchObject({ ok: true })
    const r = await record(runTraining, config)
    const spe = Math.ceil(240 / config.batchSize)
    const steps = [0, 2, 4, 5].map((e) => e * spe)
    expect(r.scalars['local-elasticity/locality'].map((s) => s.step)).toEqual(steps)
    const probe = r.series['local-elasticity/matrix']
    expect(probe.map((e) => e.step)).toEqual(steps)
    const payload = probe.at(-1)!.payload as ElasticityMatrixPayload
    expect(payload.bases).toEqual([0, 1, 2, 3, 4, 5])
    expect(payload.n).toBe(60)
    expect(decode(payload.le)).toHaveLength(6 * 60)
    expect(decode(payload.ker!)).toHaveLength(6 * 60)
    expect(payload.points!.dims).toBe(2)
    expect(payload.points!.x).toHaveLength(120)
    expect(payload.points!.label).toHaveLength(60)
    expect(r.summary.final['local-elasticity/locality']).toBe(r.scalars['local-elasticity/locality'].at(-1)!.value)
    // The probe leaves training as it was: the same run without it logs the same losses.
    const plain = await record(runTraining, TINY)
    expect(plain.scalars['train/loss']).toEqual(r.scalars['train/loss'])
  })

  test('logs nothing when not attached (no list, an empty list, or a disabled probe of the old config format)', async () => {
    const old = trainingConfig({ ...TINY, probes: { elasticity: { enabled: false, every: 1, basePoints: 5, testPoints: 50, gamma: 0.01, kernel: false, k: 5 } } })
    expect(old.probes).toBeUndefined()
    for (const config of [TINY, trainingConfig({ ...TINY, probes: [] }), old]) {
      const r = await record(runTraining, config)
      expect(Object.keys(r.scalars).filter((k) => /elasticity\//.test(k))).toEqual([])
      expect(Object.keys(r.series).filter((k) => /elasticity\//.test(k))).toEqual([])
      expect(r.summary.final['local-elasticity/locality']).toBeUndefined()
    }
  })

  test('more base points than test points is refused by the schema', () => {
    const v = validateConfig('training', trainingConfig({ ...TINY, probes: elasticity({ basePoints: 50, testPoints: 10, gamma: 0.01, kernel: false, k: 5 }, 1) }))
    expect(v).toMatchObject({ ok: false, problems: [{ path: 'probes.0.params.basePoints' }] })
  })
})

describe('templates', () => {
  test('every template of the elasticity studies validates and names its study', () => {
    for (const study of [elasticityManifoldStudy, elasticityClassesStudy, STUDIES['elasticity-clustering']]) {
      expect(study.templates.length, study.id).toBeGreaterThan(0)
      for (const t of study.templates) {
        expect(t.studyId).toBe(study.id)
        expect(validateConfig(study.id, t.config), t.id).toMatchObject({ ok: true })
      }
    }
    expect(elasticityManifoldStudy.templates.map((t) => t.config.dataset.generator)).toEqual(['double-helix', 'folded-boxes'])
    expect(elasticityManifoldStudy.templates[1].config.network.hidden).toHaveLength(2)
  })

  test('bad manifold configs name the field', () => {
    const v = validateConfig('elasticity-manifold', withDefaults(elasticityManifoldDefaults, { dataset: { n: 100 }, probe: { basePoints: 200, k: 60 } }))
    expect(v.ok).toBe(false)
    if (!v.ok) expect(v.problems.map((p) => p.path).sort()).toEqual(['probe.basePoints', 'probe.k'])
  })
})
