/**
 * The k-filtering and pure-Voronoi studies run in-process (real trainer, wasm): kept rows are exactly the
 * mixed-neighbourhood ones, every arm starts from the same weights and is tested on the unfiltered split, the
 * 2-D pictures (data before / after, quiver, correlation filter) are logged, the summary keys exist; the pure
 * Voronoi study's cells grow with the boundary frequency.
 */
import { beforeAll, describe, expect, test } from 'vitest'
import { useBackend } from '../../src-main/engine/compute/backend'
import { runKFiltering } from '../../src-main/engine/studies/k-filtering'
import { runPureVoronoi } from '../../src-main/engine/studies/pure-voronoi'
import { validateConfig, withDefaults } from '../../src-shared/studies'
import { kFilteringTemplates } from '../../src-shared/studies/k-filtering'
import { pureVoronoiDefaults } from '../../src-shared/studies/pure-voronoi'
import { record } from './recordRun'

beforeAll(async () => {
  await useBackend('wasm')
})

describe('k-filtering on the checkerboard', () => {
  test('kept fraction, arms from the same weights, accuracies on all and on kept rows, the 2-D pictures', async () => {
    const base = kFilteringTemplates.find((t) => t.id === 'representations/checkerboard-conundrum')!.config
    const config = withDefaults(base, { dataset: { ...base.dataset, n: 600, cells: 4 }, layers: [{ type: 'dense', units: 16, activation: 'relu' }], epochs: 3, quiverEvery: 2, ks: [3, 5] })
    expect(validateConfig('k-filtering', config).ok).toBe(true)
    const r = await record(runKFiltering, config)
    const f = r.summary.final
    // A larger k drops fewer samples: all k nearest agreeing is harder for more neighbours.
    expect(f['table/k3/kept']).toBeGreaterThan(0)
    expect(f['table/k5/kept']).toBeGreaterThanOrEqual(f['table/k3/kept'])
    expect(f['table/k5/kept']).toBeLessThanOrEqual(1)
    for (const arm of ['sgd/baseline', 'sgd/k3', 'sgd/k5', 'adam/baseline', 'adam/k3', 'adam/k5']) {
      // Epoch 0 evaluation: the same initial weights for every arm → the same test loss before training.
      expect(r.scalars[`${arm}/test/loss`][0].value, arm).toBeCloseTo(r.scalars['sgd/baseline/test/loss'][0].value, 6)
      expect(r.scalars[`${arm}/test/accuracy`].length).toBe(4)
    }
    for (const k of ['baseline', 'k3', 'k5']) {
      expect(f[`table/${k}/accuracy`]).toBeGreaterThan(0)
      expect(f[`table/adam/${k}/accuracy`]).toBeGreaterThan(0)
      expect(f[`table/${k}/train_accuracy`]).toBeGreaterThan(0)
    }
    // The baseline trains on all rows: its accuracy on "its" rows is the full-set one.
    expect(f['table/baseline/kept_train_accuracy']).toBe(f['table/baseline/train_accuracy'])
    // Data before / after: kept + dropped = the points shown, with kept = the kept fraction.
    const data = r.series['kfilter/data/k3'][0].payload
    const dropped = data.groups.find((g: any) => g.name === 'dropped').x.length
    const keptShown = data.groups.filter((g: any) => !g.faded).reduce((n: number, g: any) => n + g.x.length, 0)
    expect(keptShown / (keptShown + dropped)).toBeCloseTo(f['table/k3/kept'], 6)
    // Quiver at epochs 0, 2 and the last (3) for the headline optimiser's baseline and first filtered arm.
    expect(r.series['quiver/sgd/baseline'].length).toBe(3)
    expect(r.series['quiver/sgd/k3'].length).toBe(3)
    expect(r.series['quiver/adam/baseline']).toBeUndefined()
    const q = r.series['quiver/sgd/baseline'][2].payload
    expect(q.arrows.dx.length).toBe(q.arrows.x.length)
    expect(q.arrows.dx.some((v: number) => v !== 0)).toBe(true)
    const filter = r.series['filter/sgd/baseline'][0].payload
    expect(filter.grid.values.length).toBe(80 * 80)
    expect(filter.lines).toHaveLength(1)
    const strip = r.series['strip-entropy/sgd/baseline'][0].payload
    for (const h of strip.series[0].y) expect(h).toBeLessThanOrEqual(1 + 1e-9)
    const table = r.series['kfilter/table'][0].payload
    expect(table.rows.map((row: any) => row.arm)).toEqual(['sgd/baseline', 'sgd/k3', 'sgd/k5', 'adam/baseline', 'adam/k3', 'adam/k5', 'thesis (§5.4.2)'])
  }, 120_000)
})

describe('pure Voronoi study', () => {
  test('|C| and H* grow with the frequency; a map per frequency', async () => {
    const config = withDefaults(pureVoronoiDefaults, { frequencies: [1, 8], samples: [400] })
    expect(validateConfig('pure-voronoi', config).ok).toBe(true)
    const r = await record(runPureVoronoi, config)
    const f = r.summary.final
    expect(f['voronoi/f8/n400/cells']).toBeGreaterThan(f['voronoi/f1/n400/cells'])
    expect(f['voronoi/f8/n400/entropy']).toBeGreaterThan(f['voronoi/f1/n400/entropy'])
    expect(f['voronoi/cells']).toBe(f['voronoi/f8/n400/cells'])
    expect(Object.keys(r.series).filter((k) => k.startsWith('voronoi/map/')).sort()).toEqual(['voronoi/map/f1', 'voronoi/map/f8'])
    expect(r.series['voronoi/cells-vs-frequency'].at(-1)!.payload.series[0].y).toEqual([f['voronoi/f1/n400/cells'], f['voronoi/f8/n400/cells']])
  }, 60_000)
})
