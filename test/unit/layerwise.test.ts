/**
 * Deep layer-wise learning (thesis ch. 6): the memory accounting against a known tensor set, the block and segment
 * rules, the stable rank, and the `layerwise` runner in-process — layer-wise on a separable toy set matches full
 * backprop's accuracy at less peak tensor memory; round robin, segment-wise training and both dropouts run.
 */
import { beforeAll, describe, expect, test } from 'vitest'
import { stableRank } from '../../src-shared/layerwise/stableRank'
import { conv2d, dense, maxpool2d } from '../../src-shared/network/layers'
import { validateConfig, withDefaults } from '../../src-shared/studies'
import { layerBlocks, layerwiseDefaults, layerwiseTemplates, segments } from '../../src-shared/studies/layerwise'
import { runLayerwise } from '../../src-main/engine/studies/layerwise'
import { tf, useBackend } from '../../src-main/engine/compute/backend'
import { measurePeak } from '../../src-main/engine/training/memory'
import { adam } from '../../src-shared/training/optimizer'
import { mnistLibrary, record } from './recordRun'

beforeAll(async () => {
  await useBackend('wasm')
})

describe('memory accounting', () => {
  test('the peak of a known tensor set is counted exactly, and what is kept', async () => {
    let kept: tf.Tensor | null = null
    const m = await measurePeak(tf, () => {
      const a = tf.fill([1000], 1) // 4 000 bytes
      const b = a.add(a) // 8 000 held (add(1) would hold its scalar too)
      a.dispose()
      b.dispose()
      kept = tf.fill([1], 3) // 4 bytes kept
    })
    expect(m.peakBytes).toBe(8000)
    expect(m.keptBytes).toBe(4)
    kept!.dispose()
    // The engine is not left profiling when the work throws.
    await expect(measurePeak(tf, () => { tf.fill([10], 1).dispose(); throw new Error('boom') })).rejects.toThrow('boom')
    expect((tf.engine() as any).state.profiling).toBe(false)
  })
})

describe('blocks, segments and stable rank', () => {
  test('a block starts at each weighted layer; pooling joins the layer before it', () => {
    expect(layerBlocks([conv2d(16), maxpool2d(2), conv2d(32), maxpool2d(2), dense(64)])).toEqual([[0, 1], [2, 3], [4]])
    expect(layerBlocks([{ type: 'flatten' }, dense(8), { type: 'dropout', rate: 0.5 }, dense(4)])).toEqual([[0, 1, 2], [3]])
    expect(layerBlocks([{ type: 'flatten' }])).toEqual([])
  })

  test('segments: disjoint, overlapping (segment-wise), and the last one ends at the top', () => {
    expect(segments(3, 1, 1)).toEqual([{ start: 0, end: 1 }, { start: 1, end: 2 }, { start: 2, end: 3 }])
    expect(segments(5, 2, 2)).toEqual([{ start: 0, end: 2 }, { start: 2, end: 4 }, { start: 4, end: 5 }])
    expect(segments(4, 2, 1)).toEqual([{ start: 0, end: 2 }, { start: 1, end: 3 }, { start: 2, end: 4 }])
    expect(segments(2, 2, 1)).toEqual([{ start: 0, end: 2 }])
  })

  test('stable rank: 1 for a rank-one matrix, n for an orthogonal one, ‖W‖_F²/σ₁² otherwise', () => {
    expect(stableRank([1, 2, 3, 2, 4, 6], 2, 3)).toBeCloseTo(1, 10)
    expect(stableRank([1, 0, 0, 0, 1, 0, 0, 0, 1], 3, 3)).toBeCloseTo(3, 10)
    expect(stableRank([3, 0, 0, 1], 2, 2)).toBeCloseTo(10 / 9, 10)
    expect(Number.isNaN(stableRank([0, 0], 1, 2))).toBe(true)
  })

  test('the config refuses a segment larger than the network and a stride that skips blocks', () => {
    const bad = validateConfig('layerwise', { ...layerwiseDefaults, subnet: 4 })
    expect(bad.ok).toBe(false)
    expect(JSON.stringify(bad)).toMatch(/3 blocks/)
    expect(JSON.stringify(validateConfig('layerwise', { ...layerwiseDefaults, subnet: 1, stride: 2 }))).toMatch(/skip blocks/)
    expect(JSON.stringify(validateConfig('layerwise', { ...layerwiseDefaults, backpropDepths: [2, 5] }))).toMatch(/cannot be cut after 5/)
    for (const t of layerwiseTemplates) expect(validateConfig('layerwise', t.config).ok).toBe(true)
  })
})

const toy = (patch: any) =>
  withDefaults(layerwiseDefaults, {
    dataset: { kind: 'gaussian', n: 1200, noise: 0.1, testFraction: 0.25, validationFraction: 0 },
    layers: [dense(32, 'relu'), dense(32, 'relu'), dense(32, 'relu')],
    optimizer: adam(0.01),
    weightDecay: 0,
    batchSize: 64,
    epochs: [4],
    backpropEpochs: 8,
    reference: 'none',
    ...patch
  })

describe('layerwise runner', () => {
  test('layer-wise on a separable set matches backprop, at less peak memory; stable ranks of every arm', async () => {
    const config = toy({ arms: ['dll', 'round-robin', 'backprop'], rounds: 2, backpropDepths: [1, 2] })
    expect(validateConfig('layerwise', config).ok).toBe(true)
    const r = await record(runLayerwise, config)
    const f = r.summary.final
    expect(f['backprop/accuracy']).toBeGreaterThan(0.9)
    expect(f['dll/accuracy']).toBeGreaterThanOrEqual(f['backprop/accuracy'] - 0.03)
    for (const i of [1, 2, 3]) expect(f[`dll/layer${i}/accuracy`]).toBeGreaterThan(0.85)
    expect(f['round-robin/accuracy']).toBeGreaterThan(0.85)
    // Training one layer holds fewer tensor bytes than training all three at once (same batch).
    expect(f['dll/peak_bytes']).toBeGreaterThan(0)
    expect(f['dll/peak_bytes']).toBeLessThan(f['backprop/peak_bytes'])
    expect(f['memory/ratio']).toBeCloseTo(f['dll/peak_bytes'] / f['backprop/peak_bytes'], 3)
    expect(f['dll/best_layer']).toBeGreaterThanOrEqual(1)
    for (const arm of ['layer-wise', 'round-robin', 'backprop']) for (const i of [1, 2, 3]) expect(f[`stable_rank/${arm}/layer${i}`], `${arm} ${i}`).toBeGreaterThan(1)
    const table = r.series['layerwise/table'][0].payload
    expect(table.rows.map((row: any) => row.what)).toEqual(['block 1', 'block 2', 'block 3', 'backprop', 'backprop, first 1 blocks', 'backprop, first 2 blocks'])
    // Backprop of the network cut after d blocks, beside layer-wise's block d.
    expect(f['backprop/depth1/accuracy']).toBeGreaterThan(0.85)
    const byDepth = r.series['layerwise/accuracy'][0].payload.series.at(-1)
    expect(byDepth.y).toEqual([f['backprop/depth1/accuracy'], f['backprop/depth2/accuracy'], null])
    expect(table.rows.filter((row: any) => row.best === '★')).toHaveLength(1)
    expect(table.rows[3].relative).toBe(1)
    expect(r.series['layerwise/accuracy'][0].payload.series.map((s: any) => s.name)).toHaveLength(4)
    expect(r.series['layerwise/stable-rank'][0].payload.series).toHaveLength(3)
    // Progress over epochs: 3 blocks × 4 epochs of layer-wise, 2 rounds of round robin, 8 epochs of backprop.
    expect(r.scalars['epochs/dll/test/accuracy'].map((p: any) => p.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])
    expect(r.scalars['epochs/round-robin/test/accuracy'].map((p: any) => p.step)).toEqual([3, 6])
    expect(r.scalars['epochs/backprop/test/accuracy']).toHaveLength(8)
  }, 120_000)

  test('segment-wise with overlap, input and gradient dropout, a decision block; a CNN on digits', async () => {
    const seg = toy({ arms: ['dll'], subnet: 2, stride: 1, forwardDropout: 0.5, gradientDropout: 0.5, head: [dense(16, 'relu')] })
    expect(validateConfig('layerwise', seg).ok).toBe(true)
    const r = await record(runLayerwise, seg)
    const f = r.summary.final
    expect(Object.keys(f).filter((k) => /^dll\/layer\d+\/accuracy$/.test(k))).toEqual(['dll/layer1/accuracy', 'dll/layer2/accuracy'])
    expect(f['dll/accuracy']).toBeGreaterThan(0.8)
    expect(f['backprop/accuracy']).toBeUndefined()
    const cnn = withDefaults(layerwiseDefaults, { dataset: { kind: 'stored', datasetId: 'builtin-mnist', testFraction: 0.3, validationFraction: 0.05 }, epochs: [1], backpropEpochs: 1 })
    const c = await record(runLayerwise, cnn, { datasets: mnistLibrary() })
    const cf = c.summary.final
    expect(c.series['layerwise/table'][0].payload.rows.map((row: any) => row.layers)).toEqual(['conv 16 3×3 · max-pool', 'conv 32 3×3 · max-pool', 'dense 64', 'the whole network'])
    expect(cf['dll/layer3/accuracy']).toBeGreaterThan(0.5)
    expect(cf['dll/peak_bytes']).toBeLessThan(cf['backprop/peak_bytes'])
  }, 180_000)
})
