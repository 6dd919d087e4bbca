/** Sweeps through the engine (in-process Lab, real run workers), migration 2 on a v1 database, and the CLI. */
import { execFile } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import type { EventPayloads } from '../../src-shared/contract'
import { openDatabase, schemaVersion } from '../../src-main/engine/store/database'
import { MIGRATIONS } from '../../src-main/engine/store/migrations'
import { openStore } from '../../src-main/engine/store'
import { layers } from '../../src-shared/studies/training'
import { CLI_JS, ENDLESS, ROOT, TEST_ENV, TINY, cleanupTempDirs, openLab, tempDir, trainingConfig, waitFor } from './helpers'

afterAll(cleanupTempDirs)

const TINIER = { ...TINY, dataset: { ...TINY.dataset, n: 100 }, epochs: 1 }

describe('sweeps in the engine', () => {
  test('a 2×2×3-seed sweep queues 12 runs with the right configs and names, all complete, events say so', async () => {
    const lab = await openLab(tempDir(), {}, 2)
    try {
      const e = await lab.call('experiments.create', { name: 'base', studyId: 'training', config: TINIER })
      const events: EventPayloads['sweeps.changed'][] = []
      lab.on((ev, p: any) => ev === 'sweeps.changed' && events.push(p))
      const s = await lab.call('sweeps.create', {
        name: 'grid',
        base: { experimentId: e.id },
        params: [
          { path: 'optimizer.learningRate', values: [0.01, 0.03] },
          { path: 'network.layers.*.units', values: [4, 8] }
        ],
        seeds: 3
      })
      expect(s.runs).toHaveLength(12)
      expect(s.experimentId).toBe(e.id)
      expect(s.columns).toEqual(['optimizer.learningRate', 'network.layers.*.units', 'seed'])
      expect(s.runs[0].run.name).toBe('base · lr=0.01 units=4 seed=0')
      expect(s.runs[11].run.name).toBe('base · lr=0.03 units=8 seed=2')
      const runs = lab.store.runs.list({ experimentId: e.id })
      expect(runs).toHaveLength(12)
      // One creation time for all twelve, and the list gives them in cell order, every time.
      expect(new Set(runs.map((r) => r.createdAt)).size).toBe(1)
      expect(runs.map((r) => r.name)).toEqual(s.runs.map((r) => r.run.name))
      for (const r of runs) {
        const row = s.runs.find((x) => x.run.id === r.id)!
        expect(r.sweepId).toBe(s.id)
        expect((r.config as any).optimizer.learningRate).toBe(row.values['optimizer.learningRate'])
        expect((r.config as any).network.layers.map((l: any) => l.units)).toEqual([row.values['network.layers.*.units'], row.values['network.layers.*.units']])
        expect(r.seed).toBe(row.values.seed)
        expect((r.config as any).seed).toBe(r.seed)
      }
      await lab.queue.idle()
      const done = await lab.call('sweeps.get', { id: s.id })
      expect(done.progress).toMatchObject({ total: 12, fraction: 1, done: true, counts: { completed: 12 } })
      expect(done.runs.every((r) => r.run.summary?.final['test/accuracy'] !== undefined)).toBe(true)
      expect(events.filter((x) => x.sweepId === s.id).length).toBeGreaterThanOrEqual(12)
      expect((await lab.call('sweeps.list')).map((x) => x.id)).toEqual([s.id])
      // the sweep goes with its experiment
      await lab.call('experiments.delete', { id: e.id })
      expect(await lab.call('sweeps.list')).toEqual([])
      await expect(lab.call('sweeps.get', { id: s.id })).rejects.toThrow(/not found/)
    } finally {
      await lab.close()
    }
  })

  test('an invalid spec or combination is refused before anything is stored or queued', async () => {
    const lab = await openLab(tempDir())
    try {
      const e = await lab.call('experiments.create', { name: 'base', studyId: 'training', config: TINIER })
      await expect(lab.call('sweeps.create', { base: e.id, params: [{ path: 'optimizer.learningRat', values: [0.1] }] })).rejects.toThrow(/params\.0\.path: optimizer\.learningRat: no such field/)
      await expect(lab.call('sweeps.create', { base: e.id, params: [{ path: 'network.layers.3.units', values: [4] }] })).rejects.toThrow(/params\.0\.path: .*index out of range/)
      await expect(lab.call('sweeps.create', { base: e.id, params: [{ path: 'optimizer.learningRate', values: [0.1, 50] }] })).rejects.toThrow(/optimizer\.learningRate: run "lr=50"/)
      await expect(lab.call('sweeps.create', { base: e.id, params: [{ path: 'epochs', min: 1, max: 3 }] })).rejects.toThrow(/params\.0\.count/)
      await expect(lab.call('sweeps.create', { base: 'nope', params: [] })).rejects.toThrow(/experiment nope not found/)
      expect(lab.store.runs.list()).toEqual([])
      expect(lab.store.sweeps.list()).toEqual([])
      expect(lab.queue.list()).toEqual([])
    } finally {
      await lab.close()
    }
  })

  test("a sweep's runs in parallel is its own: two train at once while the global setting stays 1", async () => {
    const lab = await openLab(tempDir())
    try {
      expect(lab.queue.concurrency).toBe(1)
      const plain = await lab.call('experiments.create', { name: 'plain', studyId: 'training', config: ENDLESS })
      const s = await lab.call('sweeps.create', { base: { study: 'training', config: ENDLESS }, seeds: 3, concurrency: 2 })
      expect(s.spec.concurrency).toBe(2)
      const plainRun = await lab.call('runs.start', { experimentId: plain.id })
      await waitFor(() => lab.queue.list().filter((q) => q.status === 'running').length === 2, 'two runs of the sweep to train at once')
      const running = lab.queue.list().filter((q) => q.status === 'running').map((q) => q.runId)
      expect(running.every((id) => lab.store.runs.get(id)!.sweepId === s.id)).toBe(true)
      // the plain run queued after them keeps the global limit: it waits for the sweep's slots
      expect(lab.queue.list().find((q) => q.runId === plainRun.id)?.status).toBe('queued')
      expect((await lab.call('settings.get')).concurrency).toBe(1)
      expect(lab.queue.concurrency).toBe(1)
      expect(lab.info().concurrency).toBe(1)
      await lab.call('sweeps.cancel', { id: s.id })
      await waitFor(() => lab.queue.list().find((q) => q.runId === plainRun.id)?.status === 'running', 'the plain run to start')
      expect(lab.queue.list().filter((q) => q.status === 'running')).toHaveLength(1)
      await lab.call('runs.cancel', { id: plainRun.id })
      await lab.queue.idle()
    } finally {
      await lab.close()
    }
  })

  test("an adopted sweep run keeps its sweep's runs in parallel", async () => {
    const dir = tempDir()
    // A sweep left queued by a process that is gone (what a crashed engine leaves): the next engine adopts it.
    const store = openStore(dir)
    const e = store.experiments.create({ name: 'left', studyId: 'training', config: ENDLESS })
    const sweep = store.sweeps.create({ name: 'left sweep', experimentId: e.id, studyId: 'training', spec: { base: e.id, mode: 'grid', params: [], seeds: 2, concurrency: 2 } })
    for (const seed of [0, 1]) store.runs.create({ experimentId: e.id, name: `left · seed=${seed}`, studyId: 'training', config: { ...ENDLESS, seed }, seed, sweepId: sweep.id, sweepIndex: seed, ownerPid: 999_999_999 })
    store.close()
    const s = { id: sweep.id }
    const lab = await openLab(dir)
    try {
      await waitFor(() => lab.queue.list().filter((q) => q.status === 'running').length === 2, 'both adopted sweep runs to train at once')
      await lab.call('sweeps.cancel', { id: s.id })
      await lab.queue.idle()
    } finally {
      await lab.close()
    }
  })

  test('a base given inline is completed like a config file: partial, of another variant, or of the old format', async () => {
    const lab = await openLab(tempDir())
    try {
      // Partial, and a dataset kind other than the defaults' (its variant's defaults fill the rest).
      const partial = await lab.call('sweeps.create', { base: { study: 'training', config: { dataset: { kind: 'checkerboard', n: 100 }, epochs: 1 } }, params: [{ path: 'optimizer.learningRate', values: [0.01, 0.02] }] })
      const cfg = lab.store.runs.get(partial.runs[0].run.id)!.config as any
      expect(cfg.dataset).toEqual({ kind: 'checkerboard', n: 100, noise: 0, testFraction: 0.2, validationFraction: 0, cells: 8 })
      expect(cfg.epochs).toBe(1)
      // The pre-discrimination format (a layer list without `form`, momentum on Adam, boundaryEvery) is upgraded.
      const old = await lab.call('sweeps.create', {
        base: { study: 'training', config: { dataset: { kind: 'xor', n: 100, noise: 0, testFraction: 0.2 }, network: { layers: [{ units: 4, activation: 'tanh' }] }, optimizer: { kind: 'adam', learningRate: 0.01, momentum: 0 }, epochs: 1, boundaryEvery: 1 } },
        params: [{ path: 'network.layers.*.units', values: [4, 8] }]
      })
      const up = lab.store.runs.get(old.runs[1].run.id)!.config as any
      expect(up.network).toEqual({ form: 'layers', layers: [{ type: 'dense', units: 8, activation: 'tanh' }] })
      expect(up.optimizer).toEqual({ kind: 'adam', learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 })
      expect(up.boundary).toEqual({ every: 1, resolution: 100 })
      expect(up.dataset.validationFraction).toBe(0)
      await lab.queue.idle()
      expect(lab.store.runs.list().map((r) => r.status)).toEqual(['completed', 'completed', 'completed', 'completed'])
    } finally {
      await lab.close()
    }
  })

  test('cancel stops the queued and running runs of the sweep promptly', async () => {
    const lab = await openLab(tempDir(), {}, 1)
    try {
      const s = await lab.call('sweeps.create', { base: { study: 'training', config: ENDLESS }, seeds: 3 })
      expect(s.runs).toHaveLength(3)
      await waitFor(() => lab.queue.list().some((q) => q.status === 'running' && q.fraction > 0), 'the first run to train')
      const t0 = Date.now()
      await lab.call('sweeps.cancel', { id: s.id })
      await lab.queue.idle()
      expect(Date.now() - t0).toBeLessThan(3000)
      const after = await lab.call('sweeps.get', { id: s.id })
      expect(after.runs.map((r) => r.run.status)).toEqual(['cancelled', 'cancelled', 'cancelled'])
      expect(after.progress.done).toBe(true)
      expect(after.runs[0].run.steps).toBeGreaterThan(0) // what it logged stays
    } finally {
      await lab.close()
    }
  })

  test('retry re-queues new runs for the failed ones, same config and name', async () => {
    const lab = await openLab(tempDir(), {}, 2)
    try {
      const diverge = trainingConfig({
        dataset: { kind: 'circles', n: 100, noise: 0, testFraction: 0.2, validationFraction: 0 },
        network: layers({ type: 'dense', units: 8, activation: 'linear' }, { type: 'dense', units: 8, activation: 'linear' }),
        loss: 'mse',
        optimizer: { kind: 'sgd', learningRate: 0.01, momentum: 0 },
        batchSize: 16,
        epochs: 3,
        logEvery: 1
      })
      const s = await lab.call('sweeps.create', { base: { study: 'training', config: diverge }, params: [{ path: 'optimizer.learningRate', values: [0.01, 10] }] })
      await lab.queue.idle()
      const first = await lab.call('sweeps.get', { id: s.id })
      expect(first.runs.map((r) => [r.run.name, r.run.status])).toEqual([['Training sweep · lr=0.01', 'completed'], ['Training sweep · lr=10', 'failed']])
      const retried = await lab.call('sweeps.retryFailed', { id: s.id })
      const row = retried.runs[1]
      expect(row.attempts).toBe(2)
      expect(row.run.id).not.toBe(first.runs[1].run.id)
      expect(row.run.name).toBe('Training sweep · lr=10')
      expect(['queued', 'running']).toContain(row.run.status)
      expect(retried.runs[0].run.id).toBe(first.runs[0].run.id) // the completed one is not re-run
      expect(lab.store.runs.get(row.run.id)!.config).toEqual(lab.store.runs.get(first.runs[1].run.id)!.config)
      await lab.queue.idle()
      const end = await lab.call('sweeps.get', { id: s.id })
      expect(end.runs[1].run.status).toBe('failed')
      expect(end.progress.total).toBe(2)
      expect(lab.store.runs.list()).toHaveLength(3) // the first attempt is kept
    } finally {
      await lab.close()
    }
  })
})

describe('migration 2', () => {
  test('applies on an existing v1 database; runs keep their data', () => {
    const dir = tempDir()
    const v1 = openDatabase(dir, MIGRATIONS.slice(0, 1))
    expect(schemaVersion(v1)).toBe(1)
    v1.prepare("INSERT INTO experiments (id, name, study_id, config, created_at, updated_at) VALUES ('e1', 'old', 'training', '{}', 1, 1)").run()
    v1.prepare(
      "INSERT INTO runs (id, experiment_id, name, study_id, config, seed, status, created_at, summary, progress) VALUES ('r1', 'e1', 'old #1', 'training', '{\"epochs\":3}', 5, 'completed', 2, '{\"final\":{\"test/accuracy\":0.9}}', 1)"
    ).run()
    v1.prepare("INSERT INTO scalars (run_id, key, step, wall, value) VALUES ('r1', 'train/loss', 1, 1, 0.5)").run()
    v1.close()
    const store = openStore(dir)
    try {
      expect(schemaVersion(store.db)).toBe(MIGRATIONS.length)
      const run = store.runs.get('r1')!
      expect(run).toMatchObject({ name: 'old #1', status: 'completed', seed: 5, config: { epochs: 3 }, sweepId: null, summary: { final: { 'test/accuracy': 0.9 } } })
      expect(store.runs.scalars('r1')['train/loss'].value).toEqual([0.5])
      expect(store.sweeps.list()).toEqual([])
      const s = store.sweeps.create({ name: 'new', experimentId: 'e1', studyId: 'training', spec: { base: 'e1', mode: 'grid', params: [] } })
      expect(store.sweeps.get(s.id)?.name).toBe('new')
    } finally {
      store.close()
    }
  })
})

describe('cli sweep', () => {
  function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((res) => {
      execFile(process.execPath, [CLI_JS, ...args], { env: TEST_ENV, timeout: 60_000 }, (err, stdout, stderr) => res({ code: err ? ((err as any).code ?? 1) : 0, stdout, stderr }))
    })
  }

  test('--json prints one object with the sweep id and its runs; progress goes to stderr', async () => {
    const dir = tempDir()
    const file = join(dir, 'sweep.json')
    writeFileSync(file, JSON.stringify({ base: { study: 'training', config: { ...TINIER, epochs: 2 } }, params: [{ path: 'optimizer.learningRate', values: [0.01, 0.02] }], seeds: 2 }))
    const r = await cli(['sweep', file, '--json', '--concurrency', '2', '--data-dir', dir])
    expect(r.code, r.stderr).toBe(0)
    const lines = r.stdout.trim().split('\n')
    expect(lines).toHaveLength(1)
    const out = JSON.parse(lines[0])
    expect(out.sweepId).toMatch(/^[0-9a-f-]{36}$/)
    expect(out.runs.map((x: any) => x.name)).toEqual(['Training sweep · lr=0.01 seed=0', 'Training sweep · lr=0.01 seed=1', 'Training sweep · lr=0.02 seed=0', 'Training sweep · lr=0.02 seed=1'])
    expect(out.runs[3]).toMatchObject({ status: 'completed', values: { 'optimizer.learningRate': 0.02, seed: 1 }, summary: { epochs: 2 } })
    expect(r.stderr).toMatch(/2 at a time/)
    expect(r.stderr).toMatch(/sweep 4\/4 runs done\s+100%/)
  })

  test('an invalid spec exits non-zero naming the field; the example file is valid', async () => {
    const dir = tempDir()
    const file = join(dir, 'bad.json')
    writeFileSync(file, JSON.stringify({ base: { study: 'training', config: TINIER }, mode: 'random', samples: 2, params: [{ path: 'optimizer.learningRate', min: 0.1, max: 0.01 }] }))
    const r = await cli(['sweep', file, '--data-dir', dir])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/^lab: invalid sweep: params\.0\.max: /m)
    writeFileSync(file, JSON.stringify({ base: { study: 'training', config: TINIER }, params: [{ path: 'dataset.kindd', values: ['xor'] }] }))
    const r2 = await cli(['sweep', file, '--data-dir', dir])
    expect(r2.code).toBe(2)
    expect(r2.stderr).toMatch(/invalid sweep: .*dataset.*kindd/)
    expect(JSON.parse((await cli(['list', '--json', '--data-dir', dir])).stdout)).toEqual([])
    const { parseSweepSpec } = await import('../../src-shared/sweeps')
    const example = JSON.parse(await import('node:fs').then((fs) => fs.readFileSync(join(ROOT, 'examples', 'two-spirals-sweep.json'), 'utf8')))
    expect(parseSweepSpec(example).ok).toBe(true)
    // Its base is written in today's config form: completing it adds only defaults, never reinterprets it.
    const { completeConfig, validateConfig } = await import('../../src-shared/studies')
    const completed = completeConfig('training', example.base.config) as Record<string, any>
    expect(validateConfig('training', completed)).toMatchObject({ ok: true })
    expect(completed.dataset.validationFraction).toBe(0.1)
    expect(completed.network).toEqual(example.base.config.network)
  })
})
