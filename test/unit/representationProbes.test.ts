/**
 * The thesis ch. 5 probes on the real trainer (wasm) through the training study's runner: every layer's LSD,
 * H(Y|z), k-redundancy and PCA scatter on the built-in digits, the pure Voronoi map on 2-D data — what each logs,
 * and the invariants that would break if the measurement did (LSD of the input constant, falling elsewhere,
 * redundancy monotone in k, H(Y|z) at most log₂ classes, near H(Y) at initialisation).
 */
import { beforeAll, describe, expect, test } from 'vitest'
import { useBackend } from '../../src-main/engine/compute/backend'
import { runTraining } from '../../src-main/engine/studies/training'
import { dense } from '../../src-shared/network/layers'
import { newProbeEntry } from '../../src-shared/probes'
import { validateConfig, withDefaults } from '../../src-shared/studies'
import { layers, trainingDefaults } from '../../src-shared/studies/training'
import { mnistLibrary, record } from './recordRun'

beforeAll(async () => {
  await useBackend('wasm')
})

const probe = (id: string, params: Record<string, unknown>) => ({ ...newProbeEntry(id), every: 1, params: { ...newProbeEntry(id).params, ...params } })

describe('representation probes on the built-in digits', () => {
  test('LSD, H(Y|z), k-redundancy and PCA of every layer, before and after an epoch', async () => {
    const config = withDefaults(trainingDefaults, {
      dataset: { kind: 'stored', datasetId: 'builtin-mnist', testFraction: 0.2, validationFraction: 0.1 },
      network: layers(dense(64, 'relu'), dense(32, 'relu')),
      loss: 'softmax-cross-entropy',
      optimizer: { kind: 'adam', learningRate: 0.002, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
      batchSize: 64,
      epochs: 2,
      logEvery: 50,
      boundary: undefined,
      probes: [probe('lsd', { samples: 800 }), probe('hyz', { samples: 800 }), probe('kred', { samples: 600, chunk: 300, ks: [5, 10] }), probe('layer-pca', { samples: 400, classes: [0, 1, 7], layers: [0, 3] })]
    })
    delete (config as any).boundary
    const v = validateConfig('training', config)
    expect(v.ok, JSON.stringify(v)).toBe(true)
    const r = await record(runTraining, config, { datasets: mnistLibrary() })
    const s = r.scalars
    // Layers 0 (input) … 3 (output) at epochs 0, 1, 2.
    for (let i = 0; i <= 3; i++) expect(s[`lsd/layer${i}`]?.length, `lsd layer ${i}`).toBe(3)
    const lsd = (i: number) => s[`lsd/layer${i}`].map((p) => p.value)
    expect(new Set(lsd(0)).size).toBe(1) // the input does not train
    for (let i = 0; i <= 3; i++) for (const x of lsd(i)) expect(x).toBeGreaterThanOrEqual(0), expect(x).toBeLessThan(0.9)
    // Training linearises the layers: their LSD falls over training.
    for (const i of [1, 2, 3]) expect(lsd(i)[2], `layer ${i}`).toBeLessThan(lsd(i)[0])
    expect(r.summary.final['lsd/layer3']).toBe(lsd(3)[2])
    const curve = r.series['lsd/curve'].at(-1)!.payload
    expect(curve.x).toEqual([0, 1, 2, 3])
    expect(curve.series[0].y).toEqual([0, 1, 2, 3].map((i) => lsd(i)[2]))

    // H(Y|z): the three dense layers, ≤ log2 10; the output's falls as it learns; the table says what was measured.
    for (let i = 1; i <= 3; i++) for (const p of s[`hyz/layer${i}`]) expect(p.value).toBeLessThanOrEqual(Math.log2(10) + 1e-9)
    // At initialisation a unit selects about half the samples regardless of class: H ≈ H(Y) (thesis: 3.26 bits).
    expect(s['hyz/layer1'][0].value).toBeGreaterThan(3)
    // Trained hidden units select by class: lower than at the start.
    expect(s['hyz/layer2'][2].value).toBeLessThan(s['hyz/layer2'][0].value)
    const table = r.series['hyz/layers'].at(-1)!.payload
    expect(table.rows.map((row: any) => row.measured)).toEqual(['ReLU pre-activation (fires)', 'ReLU pre-activation (fires)', 'output logits (softmax CE)'])
    expect(table.rows.map((row: any) => row.units)).toEqual([64, 32, 10])

    // k-redundancy: a fraction, never larger for a larger k (all 10 neighbours agreeing implies the 5 nearest do).
    for (let i = 0; i <= 3; i++) {
      const k5 = s[`kred/k5/layer${i}`].map((p) => p.value)
      const k10 = s[`kred/k10/layer${i}`].map((p) => p.value)
      k5.forEach((x, e) => {
        expect(x).toBeGreaterThanOrEqual(0)
        expect(x).toBeLessThanOrEqual(1)
        expect(k10[e]).toBeLessThanOrEqual(x)
      })
    }
    expect(s['kred/k5/layer3'][2].value).toBeGreaterThan(s['kred/k5/layer0'][2].value)
    expect(r.series['kred/curves'].at(-1)!.payload.series.map((c: any) => c.name)).toEqual(['k = 5', 'k = 10'])

    // PCA: only the chosen layers and classes, every drawn row once.
    expect(Object.keys(r.series).filter((k) => k.startsWith('layer-pca/')).sort()).toEqual(['layer-pca/layer0', 'layer-pca/layer3'])
    const pca = r.series['layer-pca/layer3'].at(-1)!.payload
    expect(pca.groups.map((g: any) => g.name)).toEqual(['0', '1', '7'])
    expect(pca.groups.reduce((n: number, g: any) => n + g.x.length, 0)).toBe(400)
  }, 120_000)
})

describe('pure Voronoi probe', () => {
  test('on 2-D data: |C| ≥ classes, H* ≥ the class entropy, the map drawn over the plane', async () => {
    const config = withDefaults(trainingDefaults, {
      dataset: { kind: 'checkerboard', n: 800, noise: 0, cells: 4, testFraction: 0.2, validationFraction: 0 },
      epochs: 1,
      probes: [{ ...newProbeEntry('voronoi'), every: 1, params: { samples: 500, maxFeatures: 64, layer: 0 } }]
    })
    const v = validateConfig('training', config)
    expect(v.ok, JSON.stringify(v)).toBe(true)
    const r = await record(runTraining, config)
    const cells = r.scalars['voronoi/cells']
    expect(cells.length).toBe(2)
    // A 4 × 4 board has 16 squares: a pure map needs at least one cell per square.
    expect(cells[0].value).toBeGreaterThanOrEqual(16)
    expect(r.scalars['voronoi/entropy'][0].value).toBeGreaterThan(1)
    const map = r.series['voronoi/map'][0].payload
    expect(map.grid.values.length).toBe(map.grid.nx * map.grid.ny)
    expect(map.markers.x.length).toBeGreaterThanOrEqual(16)
    expect(map.groups.reduce((n: number, g: any) => n + g.x.length, 0)).toBe(500)
  }, 60_000)
})

describe('representation probe settings stay bounded', () => {
  test('a sample × width that would not fit, and an eigendecomposition wider than 2 048, are refused with a reason', () => {
    const base = withDefaults(trainingDefaults, { dataset: { kind: 'stored', datasetId: 'builtin-mnist', testFraction: 0.2, validationFraction: 0.1 } })
    const huge = validateConfig('training', { ...base, probes: [probe('kred', { samples: 60_000, maxFeatures: 16_384 })] })
    expect(huge.ok).toBe(false)
    expect(JSON.stringify(!huge.ok && huge.problems)).toMatch(/60000 samples × 16384 features would hold 3\.7 GB at once/)
    const wide = validateConfig('training', { ...base, probes: [probe('lsd', { maxFeatures: 4096 })] })
    expect(wide.ok).toBe(false)
    expect(validateConfig('training', { ...base, probes: [probe('kred', { samples: 10_000, maxFeatures: 16_384 })] }).ok).toBe(true)
  })
})
