/** Config fields: flattening to dotted paths, run-by-run diffs, seed fields and the "sweep minus seed" key. */
import { describe, expect, test } from 'vitest'
import { configKeyWithoutSeed, diffConfigs, flattenConfig, isSeedField, metricDirection } from '../../src-shared/compare/config'

describe('flattenConfig', () => {
  test('nested objects and arrays become dotted paths, arrays by index', () => {
    const flat = flattenConfig({
      optimizer: { kind: 'adam', learningRate: 0.01 },
      network: { layers: [{ units: 8, activation: 'relu' }, { units: 4 }] },
      dataset: { noise: null, shuffle: true }
    })
    expect(flat).toEqual({
      'optimizer.kind': 'adam',
      'optimizer.learningRate': 0.01,
      'network.layers.0.units': 8,
      'network.layers.0.activation': 'relu',
      'network.layers.1.units': 4,
      'dataset.noise': null,
      'dataset.shuffle': true
    })
  })

  test("empty objects and arrays are kept as '{}' and '[]'", () => {
    expect(flattenConfig({ a: {}, b: [], c: { d: [] } })).toEqual({ a: '{}', b: '[]', 'c.d': '[]' })
  })

  test('a prefix is put before every path; undefined fields are left out', () => {
    expect(flattenConfig({ lr: 0.1, gone: undefined, tags: ['x'] }, 'config')).toEqual({ 'config.lr': 0.1, 'config.tags.0': 'x' })
  })

  test('no config gives no fields; a bare value is kept', () => {
    expect(flattenConfig(null)).toEqual({})
    expect(flattenConfig(undefined)).toEqual({})
    expect(flattenConfig(3)).toEqual({ value: 3 })
    expect(flattenConfig(3, 'seed')).toEqual({ seed: 3 })
  })
})

describe('diffConfigs', () => {
  const a = { optimizer: { kind: 'adam', learningRate: 0.01 }, seed: 1, layers: [8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8] }
  const b = { optimizer: { kind: 'adam', learningRate: 0.003 }, seed: 2, layers: [8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 16], extra: 'x' }

  test('one row per field with each run’s value and a differs flag', () => {
    const rows = diffConfigs([a, b])
    const row = (field: string) => rows.find((r) => r.field === field)
    expect(row('optimizer.kind')).toEqual({ field: 'optimizer.kind', values: ['adam', 'adam'], differs: false })
    expect(row('optimizer.learningRate')).toEqual({ field: 'optimizer.learningRate', values: [0.01, 0.003], differs: true })
    expect(row('layers.10')).toEqual({ field: 'layers.10', values: [8, 16], differs: true })
    expect(row('extra')).toEqual({ field: 'extra', values: [undefined, 'x'], differs: true })
    expect(rows.filter((r) => r.differs).map((r) => r.field)).toEqual(['extra', 'layers.10', 'optimizer.learningRate', 'seed'])
  })

  test('fields sort by path with numeric segments numerically (layers.2 before layers.10)', () => {
    const fields = diffConfigs([a]).map((r) => r.field)
    expect(fields.indexOf('layers.2')).toBeLessThan(fields.indexOf('layers.10'))
    expect(fields).toEqual(['layers.0', 'layers.1', 'layers.2', 'layers.3', 'layers.4', 'layers.5', 'layers.6', 'layers.7', 'layers.8', 'layers.9', 'layers.10', 'optimizer.kind', 'optimizer.learningRate', 'seed'])
  })

  test('a shorter path sorts before its longer siblings; a single run never differs', () => {
    const rows = diffConfigs([{ a: 1, 'a.b': 2, ab: 3 }])
    expect(rows.map((r) => r.field)).toEqual(['a', 'a.b', 'ab'])
    expect(rows.every((r) => !r.differs)).toBe(true)
  })

  test('three runs: one different value is enough to differ; NaN equals NaN', () => {
    const rows = diffConfigs([{ x: 1, y: NaN }, { x: 1, y: NaN }, { x: 2, y: NaN }])
    expect(rows).toEqual([
      { field: 'x', values: [1, 1, 2], differs: true },
      { field: 'y', values: [NaN, NaN, NaN], differs: false }
    ])
  })

  test('no configs give no rows', () => {
    expect(diffConfigs([])).toEqual([])
  })
})

describe('seed fields and grouping keys', () => {
  test('isSeedField: a last segment seed (any case) or …Seed', () => {
    for (const f of ['seed', 'Seed', 'training.seed', 'dataset.SEED', 'dataset.dataSeed', 'init.weightSeed', 'data_seed']) expect(isSeedField(f), f).toBe(true)
    for (const f of ['seeds', 'seed.count', 'seedling', 'dataset.seeded', 'optimizer.learningRate', 'Seedless']) expect(isSeedField(f), f).toBe(false)
  })

  test('configs that differ only in seeds share a key; any other difference splits them', () => {
    const base = { optimizer: { learningRate: 0.01 }, seed: 1, dataset: { kind: 'moons', dataSeed: 7 } }
    const otherSeeds = { dataset: { dataSeed: 9, kind: 'moons' }, seed: 2, optimizer: { learningRate: 0.01 } }
    const otherLr = { ...base, optimizer: { learningRate: 0.02 } }
    expect(configKeyWithoutSeed(base)).toBe(configKeyWithoutSeed(otherSeeds))
    expect(configKeyWithoutSeed(base)).not.toBe(configKeyWithoutSeed(otherLr))
    expect(JSON.parse(configKeyWithoutSeed(base))).toEqual([
      ['dataset.kind', 'moons'],
      ['optimizer.learningRate', 0.01]
    ])
  })
})

describe('metricDirection', () => {
  test('losses and errors are minimised, the rest maximised', () => {
    expect(metricDirection('train/loss')).toBe('min')
    expect(metricDirection('test/error')).toBe('min')
    expect(metricDirection('test/accuracy')).toBe('max')
  })
})
