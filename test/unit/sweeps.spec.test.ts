/** Sweep specs (pure): grid × seeds expansion, run names, random ranges, and refused specs. */
import { describe, expect, test } from 'vitest'
import { validateConfig } from '../../src-shared/studies'
import { countSweepRuns, expandSweep, parseSweepSpec, paramLabels, sweepProgress, type SweepSpec } from '../../src-shared/sweeps'
import { sgd } from '../../src-shared/training/optimizer'
import { TINY } from './helpers'

const validate = (c: unknown) => validateConfig('training', c)
const spec = (s: unknown): SweepSpec => {
  const p = parseSweepSpec(s)
  if (!p.ok) throw new Error(JSON.stringify(p.problems))
  return p.spec
}
const expand = (s: unknown, base: unknown = TINY) => expandSweep(spec(s), base, validate)
/** TINY with SGD: the optimiser that has a momentum to sweep (Adam has none). */
const TINY_SGD = { ...TINY, optimizer: sgd(0.02, 0.7) }

describe('sweeps: grid', () => {
  test('2 learning rates × 2 widths × 3 seeds make 12 runs with the right configs and names', () => {
    const r = expand({
      base: 'exp',
      params: [
        { path: 'optimizer.learningRate', values: [0.01, 0.003] },
        { path: 'network.layers.0.units', values: [8, 32] }
      ],
      seeds: 3
    })
    expect(r.ok).toBe(true)
    if (!r.ok) return
    expect(r.cells).toHaveLength(12)
    expect(r.cells.map((c) => c.name)).toEqual([
      'lr=0.01 units=8 seed=0', 'lr=0.01 units=8 seed=1', 'lr=0.01 units=8 seed=2',
      'lr=0.01 units=32 seed=0', 'lr=0.01 units=32 seed=1', 'lr=0.01 units=32 seed=2',
      'lr=0.003 units=8 seed=0', 'lr=0.003 units=8 seed=1', 'lr=0.003 units=8 seed=2',
      'lr=0.003 units=32 seed=0', 'lr=0.003 units=32 seed=1', 'lr=0.003 units=32 seed=2'
    ])
    const keys = new Set(r.cells.map((c) => JSON.stringify(c.config)))
    expect(keys.size).toBe(12)
    for (const c of r.cells) {
      const cfg = c.config as any
      expect(cfg.optimizer.learningRate).toBe(c.values['optimizer.learningRate'])
      expect(cfg.network.layers[0].units).toBe(c.values['network.layers.0.units'])
      expect(cfg.network.layers[1].units).toBe(16) // untouched
      expect(cfg.seed).toBe(c.seed)
      expect(c.values.seed).toBe(c.seed)
      // everything else is the base config
      expect({ ...cfg, optimizer: undefined, network: undefined, seed: undefined }).toEqual({ ...TINY, optimizer: undefined, network: undefined, seed: undefined })
    }
    expect(r.cells.map((c) => c.index)).toEqual([...Array(12).keys()])
  })

  test('`*` sets every element; a grid range with count spaces linearly or on a log scale; a seed list is used as given', () => {
    const r = expand({
      base: 'exp',
      params: [
        { path: 'network.layers.*.units', values: [4] },
        { path: 'optimizer.learningRate', min: 0.001, max: 0.1, count: 3, log: true },
        { path: 'batchSize', min: 8, max: 32, count: 3, int: true }
      ],
      seeds: [7, 11]
    })
    if (!r.ok) throw new Error(JSON.stringify(r.problems))
    expect(r.cells).toHaveLength(18)
    expect(new Set(r.cells.map((c) => (c.config as any).optimizer.learningRate))).toEqual(new Set([0.001, 0.01, 0.1]))
    expect(new Set(r.cells.map((c) => (c.config as any).batchSize))).toEqual(new Set([8, 20, 32]))
    expect(new Set(r.cells.map((c) => c.seed))).toEqual(new Set([7, 11]))
    for (const c of r.cells) expect((c.config as any).network.layers.map((l: any) => l.units)).toEqual([4, 4])
    expect(r.cells[0].name).toBe('units=4 lr=0.001 batch=8 seed=7')
  })

  test('labels that collide get longer; without seeds the base seed is kept', () => {
    expect(paramLabels([{ path: 'network.layers.0.units' }, { path: 'network.layers.1.units' }])).toEqual(['0.units', '1.units'])
    const r = expand({ base: 'exp', params: [{ path: 'epochs', values: [1, 2] }] })
    if (!r.ok) throw new Error()
    expect(r.cells.map((c) => [c.name, c.seed])).toEqual([['epochs=1', TINY.seed], ['epochs=2', TINY.seed]])
  })
})

describe('sweeps: random', () => {
  const rand = (sampleSeed = 0) =>
    expand(
      {
        base: 'exp',
        mode: 'random',
        samples: 40,
        sampleSeed,
        params: [
          { path: 'optimizer.learningRate', min: 1e-4, max: 1e-1, log: true },
          { path: 'network.layers.0.units', min: 4, max: 64, int: true },
          { path: 'optimizer.momentum', min: 0.5, max: 0.9 },
          { path: 'network.layers.1.activation', values: ['relu', 'tanh'] }
        ]
      },
      TINY_SGD
    )

  test('respects ranges, log and int, and is seeded', () => {
    const r = rand()
    if (!r.ok) throw new Error(JSON.stringify(r.problems))
    expect(r.cells).toHaveLength(40)
    const lrs = r.cells.map((c) => (c.config as any).optimizer.learningRate as number)
    const units = r.cells.map((c) => (c.config as any).network.layers[0].units as number)
    const mom = r.cells.map((c) => (c.config as any).optimizer.momentum as number)
    for (const v of lrs) expect(v >= 1e-4 && v <= 1e-1).toBe(true)
    // log scale: about a third of the draws below 1e-3 (uniform would put 1 % there)
    expect(lrs.filter((v) => v < 1e-3).length).toBeGreaterThan(5)
    for (const u of units) expect(Number.isInteger(u) && u >= 4 && u <= 64).toBe(true)
    for (const m of mom) expect(m >= 0.5 && m <= 0.9).toBe(true)
    expect(new Set(r.cells.map((c) => (c.config as any).network.layers[1].activation))).toEqual(new Set(['relu', 'tanh']))
    const again = rand()
    expect(again.ok && again.cells.map((c) => c.config)).toEqual(r.cells.map((c) => c.config))
    const other = rand(1)
    expect(other.ok && other.cells.map((c) => c.config)).not.toEqual(r.cells.map((c) => c.config))
    expect(r.cells[0].name).toMatch(/^lr=[\d.e-]+ units=\d+ mom=[\d.]+ activation=(relu|tanh)$/)
  })

  test('samples × seeds runs', () => {
    expect(countSweepRuns(spec({ base: 'e', mode: 'random', samples: 5, seeds: 3, params: [{ path: 'epochs', min: 1, max: 3, int: true }] }))).toBe(15)
  })
})

describe('sweeps: refused specs name the field', () => {
  const problems = (s: unknown) => {
    const p = parseSweepSpec(s)
    if (!p.ok) return p.problems
    const r = expandSweep(p.spec, TINY, validate)
    return r.ok ? [] : r.problems
  }

  test('schema problems', () => {
    expect(problems({ base: 'e', params: [{ path: 'optimizer.learningRate', min: 1, max: 0.1, count: 2 }] })).toEqual([expect.objectContaining({ path: 'params.0.max' })])
    expect(problems({ base: 'e', params: [{ path: 'epochs', min: 1, max: 3 }] })).toEqual([expect.objectContaining({ path: 'params.0.count' })])
    expect(problems({ base: 'e', mode: 'random', params: [] })).toEqual([expect.objectContaining({ path: 'samples' })])
    expect(problems({ base: 'e', params: [{ path: 'bad path!', values: [1] }] })[0].path).toBe('params.0.path')
    expect(problems({ base: 'e', params: [{ path: 'seed', values: [1] }], seeds: 2 })[0].path).toBe('params.0.path')
    expect(problems({ base: 'e', params: [{ path: 'optimizer.learningRate', min: -1, max: 1, log: true, count: 2 }] })[0].path).toBe('params.0.min')
    expect(problems({ params: [] })[0].path).toBe('base')
  })

  test('paths that are not in the config', () => {
    expect(problems({ base: 'e', params: [{ path: 'optimiser.learningRate', values: [0.1] }] })).toEqual([
      { path: 'params.0.path', message: 'optimiser.learningRate: optimiser: no such field' }
    ])
    expect(problems({ base: 'e', params: [{ path: 'network.layers.5.units', values: [4] }] })[0].message).toMatch(/index out of range \(network\.layers has 2 elements\)/)
    // a leaf that is not a field of the study is refused by the study's schema, as is one of another variant
    // than the base's (Adam has no momentum)
    expect(problems({ base: 'e', params: [{ path: 'optimizer.momentum', values: [0.9] }] })).toEqual([{ path: 'params.0.path', message: 'optimizer.momentum: no such field in the config' }])
    expect(problems({ base: 'e', params: [{ path: 'optimizer.lr', values: [0.1] }] })).toEqual([{ path: 'params.0.path', message: 'optimizer.lr: no such field in the config' }])
    expect(problems({ base: 'e', params: [{ path: 'network.layers.*.unitz', values: [3] }] })).toEqual([{ path: 'params.0.path', message: 'network.layers.*.unitz: no such field in the config' }])
  })

  test('an invalid combination is named with the run and the config field', () => {
    const ps = problems({ base: 'e', params: [{ path: 'optimizer.learningRate', values: [0.01, 20] }, { path: 'epochs', values: [1, 2] }] })
    expect(ps).toHaveLength(1)
    expect(ps[0].path).toBe('optimizer.learningRate')
    expect(ps[0].message).toMatch(/^run "lr=20 epochs=1": /)
  })

  test('too many runs', () => {
    expect(problems({ base: 'e', params: [{ path: 'epochs', values: [...Array(100).keys()].map((i) => i + 1) }], seeds: 11 })[0].message).toMatch(/1100 runs \(at most 1000\)/)
  })
})

describe('sweeps: aggregate progress', () => {
  test('finished runs count whole, running ones by their progress, with an ETA', () => {
    const now = 100_000
    const p = sweepProgress(
      [
        { status: 'completed', progress: 1, startedAt: now - 10_000, finishedAt: now - 5000 },
        { status: 'failed', progress: 0.3, startedAt: now - 5000, finishedAt: now - 4000 },
        { status: 'running', progress: 0.5, startedAt: now - 4000, finishedAt: null },
        { status: 'queued', progress: 0, startedAt: null, finishedAt: null }
      ],
      now
    )
    expect(p.total).toBe(4)
    expect(p.fraction).toBeCloseTo(2.5 / 4)
    expect(p.etaSeconds).toBeCloseTo(10 * (1.5 / 2.5))
    expect(p.done).toBe(false)
    expect(p.counts).toMatchObject({ completed: 1, failed: 1, running: 1, queued: 1 })
  })
})
