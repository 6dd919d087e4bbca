/**
 * Migration 4 (the trainer): a version-3 store with configs of the old format — every dataset field, layers
 * and graph side by side, momentum on Adam, `probes.elasticity`, top-level boundary fields — comes out with
 * configs that hold exactly what each run used, valid for today's schema, meaning the same run; the old probe's
 * keys renamed in scalars, series and metric stats; other studies' configs and keys untouched.
 */
import { describe, expect, test } from 'vitest'
import { MIGRATIONS } from '../../src-main/engine/store/migrations'
import { openDatabase, schemaVersion } from '../../src-main/engine/store/database'
import { openStore } from '../../src-main/engine/store'
import { validateConfig } from '../../src-shared/studies'
import { cleanupTempDirs, tempDir } from './helpers'
import { afterAll } from 'vitest'

afterAll(cleanupTempDirs)

const OLD_TRAINING = {
  dataset: { kind: 'xor', n: 500, noise: 0.02, testFraction: 0.2, cells: 8, dims: 2, classes: 2 },
  network: {
    layers: [{ units: 8, activation: 'relu' }, { type: 'dropout', units: 1, activation: 'linear', rate: 0.3 }, { units: 8, activation: 'tanh' }],
    graph: undefined
  },
  loss: 'softmax-cross-entropy',
  optimizer: { kind: 'adam', learningRate: 0.01, momentum: 0.9 },
  batchSize: 32,
  epochs: 10,
  seed: 3,
  logEvery: 5,
  boundaryEvery: 2,
  boundaryResolution: 120,
  probes: { elasticity: { enabled: true, every: 5, basePoints: 10, testPoints: 100, gamma: 0.01, kernel: false, k: 5 } }
}

const OLD_STORED_CNN = {
  dataset: { kind: 'stored', datasetId: 'builtin-mnist', n: 2000, noise: 0, testFraction: 0.2, cells: 8, dims: 2, classes: 2 },
  network: {
    // The editor kept both: the graph was the network.
    layers: [{ units: 16, activation: 'relu' }],
    graph: {
      nodes: [
        { id: 'input', type: 'input', params: {} },
        { id: 'c', type: 'conv2d', params: { filters: 4, kernelSize: 3, strides: 1, padding: 'valid', activation: 'relu' } },
        { id: 'output', type: 'output', params: {} }
      ],
      edges: [
        { from: 'input', to: 'c' },
        { from: 'c', to: 'output' }
      ]
    }
  },
  loss: 'softmax-cross-entropy',
  optimizer: { kind: 'sgd', learningRate: 0.05, momentum: 0 },
  batchSize: 64,
  epochs: 2,
  seed: 1,
  logEvery: 10,
  boundaryEvery: 0,
  boundaryResolution: 100
}

describe('migration 4', () => {
  test('old configs become exactly-what-applies configs, valid today, with the probe keys renamed', () => {
    const dir = tempDir()
    const v3 = openDatabase(dir, MIGRATIONS.slice(0, 3))
    const now = Date.now()
    const insertExperiment = v3.prepare('INSERT INTO experiments (id, name, study_id, config, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)')
    const insertRun = v3.prepare("INSERT INTO runs (id, experiment_id, name, study_id, config, seed, status, created_at) VALUES (?, ?, ?, ?, ?, 1, 'completed', ?)")
    insertExperiment.run('e1', 'xor', 'training', JSON.stringify(OLD_TRAINING), now, now)
    insertRun.run('r1', 'e1', 'xor #1', 'training', JSON.stringify(OLD_TRAINING), now)
    insertRun.run('r2', null, 'cnn', 'training', JSON.stringify(OLD_STORED_CNN), now)
    const neurashedConfig = JSON.stringify({ anything: 1 })
    insertRun.run('r3', null, 'neurashed', 'neurashed', neurashedConfig, now)
    const scalar = v3.prepare('INSERT INTO scalars (run_id, key, step, wall, value) VALUES (?, ?, ?, 0, ?)')
    scalar.run('r1', 'elasticity/locality', 0, 1.5)
    scalar.run('r1', 'elasticity/locality', 10, 2.5)
    scalar.run('r1', 'train/loss', 10, 0.3)
    scalar.run('r3', 'elasticity/locality', 0, 7) // another study's key of the same name stays
    v3.prepare('INSERT INTO series (run_id, key, step, payload) VALUES (?, ?, ?, ?)').run('r1', 'elasticity/probe', 10, '{"locality":2.5}')
    // The runs table's stats, as version 3 kept them with every write.
    const stats = v3.prepare('INSERT INTO run_metrics (run_id, key, last, last_step, count) VALUES (?, ?, ?, ?, ?)')
    stats.run('r1', 'elasticity/locality', 2.5, 10, 2)
    stats.run('r1', 'train/loss', 0.3, 10, 1)
    stats.run('r3', 'elasticity/locality', 7, 0, 1)
    v3.close()

    const store = openStore(dir)
    try {
      expect(schemaVersion(store.db)).toBe(MIGRATIONS.length)
      const e1 = store.experiments.get('e1')!
      const r1 = store.runs.get('r1')!
      expect(e1.config).toEqual(r1.config)
      expect(r1.config).toEqual({
        dataset: { kind: 'xor', n: 500, noise: 0.02, testFraction: 0.2, validationFraction: 0 },
        network: {
          form: 'layers',
          layers: [
            { type: 'dense', units: 8, activation: 'relu' },
            { type: 'dropout', rate: 0.3 },
            { type: 'dense', units: 8, activation: 'tanh' }
          ]
        },
        loss: 'softmax-cross-entropy',
        optimizer: { kind: 'adam', learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
        schedule: { kind: 'constant', warmupEpochs: 0 },
        weightDecay: 0,
        batchSize: 32,
        epochs: 10,
        seed: 3,
        logEvery: 5,
        checkpointEvery: 0,
        boundary: { every: 2, resolution: 120 },
        probes: [{ id: 'local-elasticity', every: 5, params: { basePoints: 10, testPoints: 100, gamma: 0.01, kernel: false, k: 5 } }]
      })
      const v = validateConfig('training', r1.config)
      expect(v.ok ? [] : v.problems).toEqual([])
      // The graph was the network: only it is kept; the stored dataset has no generated-data fields.
      const r2 = store.runs.get('r2')!.config as any
      expect(r2.network).toEqual({ form: 'graph', graph: OLD_STORED_CNN.network.graph })
      expect(r2.dataset).toEqual({ kind: 'stored', datasetId: 'builtin-mnist', testFraction: 0.2, validationFraction: 0 })
      expect(r2.optimizer).toEqual({ kind: 'sgd', learningRate: 0.05, momentum: 0 })
      expect(validateConfig('training', r2).ok).toBe(true)
      // Other studies: untouched.
      expect(store.runs.get('r3')!.config).toEqual(JSON.parse(neurashedConfig))
      // The probe's keys, now starting with its id, in scalars, series and the runs table's stats.
      expect(Object.keys(store.runs.scalars('r1')).sort()).toEqual(['local-elasticity/locality', 'train/loss'])
      expect(store.runs.scalars('r1')['local-elasticity/locality'].value).toEqual([1.5, 2.5])
      expect(store.runs.seriesKeys('r1')).toEqual(['local-elasticity/matrix'])
      expect(Object.keys(store.runs.metrics.of('r1')).sort()).toEqual(['local-elasticity/locality', 'train/loss'])
      expect(Object.keys(store.runs.scalars('r3'))).toEqual(['elasticity/locality'])
      // What a run ran with is recorded from now on; old runs say they do not know.
      expect(r1.environment).toBeNull()
    } finally {
      store.close()
    }
  })
})
