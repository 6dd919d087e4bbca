/**
 * The effective-model study end to end: in-process (the runner as the worker calls it, trials inline) for what it
 * logs and how it reuses a collection, and through the real engine (run worker, trial threads, SQLite) for the
 * collection appended as trials finish, extended by a later run without training a trial twice.
 */
import { afterAll, describe, expect, test } from 'vitest'
import { runEffectiveModel } from '../../src-main/engine/studies/effective-model'
import type { RunContext } from '../../src-main/engine/studies/context'
import type { CollectionHeader, CollectionSample } from '../../src-shared/ising/collection'
import { completeConfig, validateConfig } from '../../src-shared/studies'
import { effectiveModelDefaults, effectiveModelStudy, type EffectiveModelConfig } from '../../src-shared/studies/effective-model'
import { cleanupTempDirs, finished, openLab, tempDir, waitFor } from './helpers'
import { unloggedOutputKeys } from './loggedOutputs'
import { mnistLibrary, record } from './recordRun'

afterAll(cleanupTempDirs)

/** A few one-epoch trials of each scenario, threshold 0 so every trial is kept, a short fit and a coarse landscape. */
function small(patch: Partial<EffectiveModelConfig> = {}): EffectiveModelConfig {
  return {
    ...structuredClone(effectiveModelDefaults),
    scenarios: [
      { kind: 'under', trials: 6, epochs: 1, threshold: 0 },
      { kind: 'shallow', trials: 6, epochs: 1, threshold: 0 }
    ],
    fit: { ...effectiveModelDefaults.fit, maxSteps: 6 },
    landscape: { referencesPerClass: 1, xMax: 1, step: 0.25 },
    ...patch
  }
}

/** An in-memory collection library that behaves like the engine's (idempotent by trial). */
function memoryCollections() {
  const stored = new Map<string, { header: CollectionHeader; samples: Map<number, CollectionSample> }>()
  let appends = 0
  const api: NonNullable<RunContext['collections']> = {
    load: (id) => {
      const c = stored.get(id)
      return { summary: undefined, samples: c ? [...c.samples.values()].sort((a, b) => a.trial - b.trial) : [] }
    },
    append: (header, samples) => {
      appends++
      const c = stored.get(header.id) ?? { header, samples: new Map() }
      for (const s of samples) if (!c.samples.has(s.trial)) c.samples.set(s.trial, s)
      stored.set(header.id, c)
    }
  }
  return { api, stored, appends: () => appends }
}

describe('effective-model study', () => {
  test('defaults, presets and templates validate; duplicate scenarios are refused with the field named', () => {
    for (const c of [effectiveModelDefaults, ...effectiveModelStudy.presets.map((p) => p.config), ...effectiveModelStudy.templates.map((t) => t.config)]) {
      expect(validateConfig('effective-model', c).ok).toBe(true)
      expect(completeConfig('effective-model', c)).toEqual(c)
    }
    const dup = validateConfig('effective-model', { ...effectiveModelDefaults, scenarios: [effectiveModelDefaults.scenarios[0], effectiveModelDefaults.scenarios[0]] })
    expect(dup.ok).toBe(false)
    expect(!dup.ok && dup.problems.map((p) => p.path)).toContain('scenarios')
    expect(validateConfig('effective-model', { ...effectiveModelDefaults, workers: -1 }).ok).toBe(false)
  })

  test('in-process: every declared output is logged, every scenario and part is summarised, and a second run reuses the collection', async () => {
    const lib = memoryCollections()
    const cfg = small()
    const first = await record(runEffectiveModel, cfg, { datasets: mnistLibrary(), collections: lib.api, threads: 1 })
    expect(unloggedOutputKeys(effectiveModelStudy.outputs, Object.keys(first.scalars), Object.keys(first.series))).toEqual([])
    const f = first.summary.final
    for (const kind of ['under', 'shallow']) {
      expect(f[`sampling/${kind}/trials`]).toBe(6)
      expect(f[`sampling/${kind}/collected`]).toBe(6)
    }
    for (const part of ['under/LB', 'under/ITR', 'under/RB', 'shallow/all']) {
      for (const k of ['x0/d', 'x0/s', 'x0/s-ub', 'hysteresis']) expect(Number.isFinite(f[`landscape/${part}/${k}`]), `${part} ${k}`).toBe(true)
      expect(f[`landscape/${part}/x0/d`]).toBeGreaterThanOrEqual(0)
      expect(f[`landscape/${part}/x0/d`]).toBeLessThanOrEqual(1)
      // The entropy of the tilted model never exceeds the bound at its own distance (up to BP's accuracy).
      expect(f[`landscape/${part}/x0/s`]).toBeLessThanOrEqual(f[`landscape/${part}/x0/s-ub`] + 1e-6)
      expect([0, 1]).toContain(f[`landscape/${part}/hysteresis`])
    }
    for (const part of ['under/LB', 'under/ITR', 'under/RB', 'under/full', 'shallow/all']) expect(f[`fit/${part}/delta`], part).toBeGreaterThan(0)
    // The shallow net's weights are nearly frozen already after one epoch: its own fit jumps between the two
    // branches (hysteresis), on the way down below x = 0 and on the way back above it.
    expect(f['landscape/shallow/all/hysteresis']).toBe(1)
    expect(f['landscape/shallow/all/jump-down']).toBeLessThan(0)
    expect(f['landscape/shallow/all/jump-up']).toBeGreaterThanOrEqual(0)
    expect(f['moments/shallow/all/mean-abs-m']).toBeGreaterThan(f['moments/under/ITR/mean-abs-m'])
    // The collections: 6 trials per scenario, one append per trial, spins of the right width.
    expect([...lib.stored.values()].map((c) => [c.header.scenario, c.header.spins, c.samples.size])).toEqual([
      ['under', 675, 6],
      ['shallow', 200, 6]
    ])
    expect(lib.appends()).toBe(12)
    // Noise floor on the correlation histogram, identity line on the moments.
    const corr = first.series['moments/under/ITR/correlations'][0].payload
    expect(corr.lines.map((l: any) => l.value)).toEqual([-1 / Math.sqrt(6), 1 / Math.sqrt(6)])
    expect(first.series['fit/under/ITR/moments'][0].payload.lines[0]).toMatchObject({ name: 'identity' })
    const dx = first.series['landscape/shallow/all/d-x'][0].payload
    expect(dx.x[0]).toBe(-1)
    expect(dx.x.at(-1)).toBe(1)
    expect(dx.series.map((s: any) => s.name)).toEqual(expect.arrayContaining(['low ↓ (1 → −1)', 'low ↑ (−1 → 1)']))

    // Same sampling spec, more trials of under only: the 6 stored are reused, 2 trained; the fit sees 8.
    const second = await record(runEffectiveModel, small({ scenarios: [{ kind: 'under', trials: 8, epochs: 1, threshold: 0 }] }), { datasets: mnistLibrary(), collections: lib.api, threads: 1 })
    const table = second.series['sampling/table'].at(-1)!.payload
    expect(table.rows[0]).toMatchObject({ trials: 8, reused: 6, trained: 2, kept: 8 })
    expect(lib.appends()).toBe(14)
    // The reused trials are identical whoever trained them: trial t always trains with the same seed.
    const under = [...lib.stored.values()].find((c) => c.header.scenario === 'under')!
    expect(under.samples.size).toBe(8)
  }, 120_000)

  test('the deep under-parametrised net\'s own fits show no hysteresis in any sub-part (the shallow one does, above)', async () => {
    const cfg = small({ scenarios: [{ kind: 'under', trials: 40, epochs: 2, threshold: 0 }], fit: { ...effectiveModelDefaults.fit, maxSteps: 60, crossCheck: 'none' }, landscape: { referencesPerClass: 1, xMax: 2, step: 0.25 } })
    const f = (await record(runEffectiveModel, cfg, { datasets: mnistLibrary(), collections: memoryCollections().api, threads: 1 })).summary.final
    for (const part of ['LB', 'ITR', 'RB']) {
      expect(f[`landscape/under/${part}/hysteresis`], part).toBe(0)
      expect(f[`landscape/under/${part}/max-gap`], part).toBeLessThan(0.1)
      // Far from the reference at x = 0: a connected, liquid-like region rather than a frozen cluster.
      expect(f[`landscape/under/${part}/x0/d`], part).toBeGreaterThan(0.3)
    }
  }, 240_000)

  test('a config whose trials all fail the threshold says so and fits nothing', async () => {
    const r = await record(runEffectiveModel, small({ scenarios: [{ kind: 'shallow', trials: 4, epochs: 1, threshold: 1 }] }), { datasets: mnistLibrary(), collections: memoryCollections().api, threads: 1 })
    expect(r.summary.final['sampling/shallow/collected']).toBe(0)
    expect(r.summary.final['fit/shallow/all/delta']).toBeUndefined()
  })
})

describe('effective-model through the engine', () => {
  test('trials on worker threads are stored as they finish; a later run extends the collection without training a stored trial again', async () => {
    const dir = tempDir()
    const lab = await openLab(dir)
    try {
      await waitFor(() => lab.store.datasets.exists('builtin-mnist') || null, 'the built-in MNIST sample', 60_000, 100)
      const run = async (config: EffectiveModelConfig) => {
        const e = await lab.call('experiments.create', { name: 'ising', studyId: 'effective-model', config })
        let id: string | undefined
        const done = finished(lab, () => id, 120_000)
        id = (await lab.call('runs.start', { experimentId: e.id })).id
        const status = await done
        expect(status.status, JSON.stringify(status)).toBe('completed')
        return lab.store.runs.get(id)!
      }
      const cfg = small({ scenarios: [{ kind: 'shallow', trials: 6, epochs: 1, threshold: 0 }], workers: 2 })
      const a = await run(cfg)
      const [coll] = lab.store.collections.list()
      expect(coll).toMatchObject({ scenario: 'shallow', spins: 200, trials: 6, accepted: 6, createdByRun: a.id })
      const b = await run({ ...cfg, scenarios: [{ kind: 'shallow', trials: 9, epochs: 1, threshold: 0 }] })
      expect(lab.store.collections.list()).toHaveLength(1)
      const samples = lab.store.collections.samples(coll.id)
      expect(samples.map((s) => s.trial)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8])
      expect(b.summary?.final['sampling/shallow/trials']).toBe(9)
      const table = lab.store.runs.series(b.id, 'sampling/table')!.payload as any
      expect(table.rows[0]).toMatchObject({ reused: 6, trained: 3, threads: 2 })
      expect(b.summary?.final['landscape/shallow/all/x0/d']).toBeGreaterThanOrEqual(0)
    } finally {
      await lab.close()
    }
  }, 240_000)
})
