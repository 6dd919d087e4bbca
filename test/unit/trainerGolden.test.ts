/**
 * The studies' numbers survive the move onto the one trainer: each case runs a study's runner in-process (wasm)
 * and compares every scalar (exactly), every series payload (by hash) and the summary with what the runners
 * produced before the trainer existed (test/fixtures/golden/*.json, written by the pre-trainer code at commit
 * 81c458e with GOLDEN_WRITE=1). The stored configs are in the pre-trainer format: they go through the config
 * migration first, so this also checks that old configs still mean what they meant.
 */
import { createHash } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, test } from 'vitest'
import { tf, useBackend } from '../../src-main/engine/compute/backend'
import { RUNNERS } from '../../src-main/engine/studies'
import type { RunContext } from '../../src-main/engine/studies/context'
import { createRng } from '../../src-shared/rng'
import { STUDIES, upgradeConfig, validateConfig } from '../../src-shared/studies'
import { shapeImages, type MemoryDataset } from './goldenData'
import { ROOT } from './helpers'

const DIR = join(ROOT, 'test', 'fixtures', 'golden')
const WRITE = process.env.GOLDEN_WRITE === '1'

interface Golden {
  studyId: string
  config: any
  scalars: Record<string, [number, number][]>
  series: Record<string, [number, string][]>
  summary: { final: Record<string, number>; best?: Record<string, { value: number; step: number }>; steps: number; epochs: number }
}

/** Payload hash without timings (the clustering table carries each method's seconds). */
const hash = (payload: unknown) => createHash('sha1').update(JSON.stringify(payload, (k, v) => (k === 'seconds' ? undefined : v))).digest('hex')

async function record(studyId: string, config: any, datasets: Record<string, MemoryDataset>): Promise<Omit<Golden, 'studyId' | 'config'>> {
  const scalars: Golden['scalars'] = {}
  const series: Golden['series'] = {}
  const ctx: RunContext = {
    tf,
    runId: 'golden',
    config,
    seed: config.seed,
    rng: createRng(config.seed),
    backend: 'wasm',
    log: (key, step, value) => void (scalars[key] ??= []).push([step, value]),
    logSeries: (key, step, payload) => void (series[key] ??= []).push([step, hash(payload)]),
    artifact: () => {},
    progress: () => {},
    datasets: {
      load: (id) => {
        const d = datasets[id]
        if (!d) throw new Error(`dataset ${id} not found`)
        return d
      }
    },
    aborted: false
  }
  const s = await RUNNERS[studyId](ctx)
  return { scalars, series, summary: { final: s.final, ...(s.best ? { best: s.best } : {}), steps: s.steps, epochs: s.epochs } }
}

const shapes = () => ({ shapes: shapeImages(50, 7) })

/** The cases: pre-trainer configs (complete, as stored then). */
const CASES: Record<string, { studyId: string; config: any }> = {
  'training-toy-adam-probe': {
    studyId: 'training',
    config: {
      dataset: { kind: 'two-spirals', n: 300, noise: 0, testFraction: 0.2, cells: 8, dims: 2, classes: 2 },
      network: { layers: [{ units: 16, activation: 'tanh' }, { units: 16, activation: 'tanh' }] },
      loss: 'softmax-cross-entropy',
      optimizer: { kind: 'adam', learningRate: 0.02, momentum: 0.9 },
      batchSize: 16,
      epochs: 4,
      seed: 3,
      logEvery: 5,
      boundaryEvery: 2,
      boundaryResolution: 100,
      probes: { elasticity: { enabled: true, every: 2, basePoints: 5, testPoints: 40, gamma: 0.01, kernel: true, k: 5 } }
    }
  },
  'training-random-labels-sgd-dropout': {
    studyId: 'training',
    config: {
      dataset: { kind: 'random-labels', n: 200, noise: 0, testFraction: 0.25, cells: 8, dims: 8, classes: 3 },
      network: { layers: [{ units: 12, activation: 'relu' }, { type: 'dropout', units: 1, activation: 'linear', rate: 0.2 }, { units: 12, activation: 'relu' }] },
      loss: 'mse',
      optimizer: { kind: 'sgd', learningRate: 0.05, momentum: 0.9 },
      batchSize: 32,
      epochs: 3,
      seed: 5,
      logEvery: 2,
      boundaryEvery: 0,
      boundaryResolution: 100
    }
  },
  'training-stored-cnn': {
    studyId: 'training',
    config: {
      dataset: { kind: 'stored', datasetId: 'shapes', n: 2000, noise: 0, testFraction: 0.2, cells: 8, dims: 2, classes: 2 },
      network: {
        layers: [
          { type: 'conv2d', units: 4, filters: 4, kernelSize: 3, padding: 'valid', activation: 'relu' },
          { type: 'maxpool2d', units: 1, poolSize: 2, activation: 'linear' },
          { type: 'batchnorm', units: 1, activation: 'linear' },
          { type: 'dense', units: 8, activation: 'relu' }
        ]
      },
      loss: 'softmax-cross-entropy',
      optimizer: { kind: 'adam', learningRate: 0.01, momentum: 0.9 },
      batchSize: 20,
      epochs: 2,
      seed: 1,
      logEvery: 3,
      boundaryEvery: 0,
      boundaryResolution: 100
    }
  },
  'elasticity-manifold-helix': {
    studyId: 'elasticity-manifold',
    config: {
      dataset: { generator: 'double-helix', n: 200, noise: 0, turns: 2 },
      network: { hidden: [16], activation: 'relu' },
      loss: 'mse',
      optimizer: { kind: 'sgd', learningRate: 0.05, momentum: 0.9 },
      batchSize: 20,
      epochs: 6,
      probe: { every: 3, basePoints: 10, gamma: 0.01, kernel: false, k: 5 },
      seed: 2
    }
  },
  'elasticity-classes-shapes': {
    studyId: 'elasticity-classes',
    config: {
      dataset: { datasetId: 'shapes', perClass: 20, pixelScale: 'unit' },
      baseClasses: [0, 1],
      testClasses: [0, 1, 2],
      model: { kind: 'mlp', hidden: [16], activation: 'relu' },
      optimizer: { kind: 'adam', learningRate: 0.005, momentum: 0.9 },
      batchSize: 16,
      epochs: 3,
      probe: { every: 2, basePerClass: 5, gamma: 0.01, bins: 10 },
      seed: 1
    }
  },
  'elasticity-clustering-shapes-pretrain': {
    studyId: 'elasticity-clustering',
    config: {
      dataset: { datasetId: 'shapes', perClass: 15, pixelScale: 'symmetric' },
      primary: [0, 1],
      auxiliary: [2, 3],
      procedure: 'pretrain',
      methods: ['kmeans', 'relative-linear', 'kernelized-linear', 'relative-mlp', 'kernelized-mlp'],
      loss: 'mse',
      targets: 'plus-minus',
      learningRate: 0.001,
      pretrain: { epochs: 3, batchSize: 10, learningRate: 0.01, linearLearningRate: 0.001 },
      hiddenUnits: 32,
      cnn: { filters1: 4, filters2: 8, kernelSize: 3, denseUnits: 16 },
      pcaComponents: 10,
      restarts: 3,
      seed: 1
    }
  }
}

beforeAll(async () => {
  await useBackend('wasm')
})

describe('the studies reproduce their pre-trainer numbers exactly', () => {
  for (const [name, c] of Object.entries(CASES)) {
    test(name, async () => {
      const file = join(DIR, `${name}.json`)
      // Recorded with the config as the old code stored it; run with its upgraded form (valid today).
      const upgraded = WRITE ? c.config : upgradeConfig(c.studyId, c.config)
      if (!WRITE) {
        const v = validateConfig(c.studyId, upgraded)
        expect(v.ok ? [] : v.problems).toEqual([])
      }
      const got = await record(c.studyId, upgraded, shapes())
      if (WRITE) {
        writeFileSync(file, JSON.stringify({ studyId: c.studyId, config: c.config, ...got }, null, 1) + '\n')
        return
      }
      expect(existsSync(file), `${file} (write it with GOLDEN_WRITE=1 on the pre-trainer code)`).toBe(true)
      const want = JSON.parse(readFileSync(file, 'utf8')) as Golden
      // Keys the probes logged under other names before (the store migration renames stored runs' keys alike).
      const renamed = STUDIES[c.studyId].renamedKeys ?? {}
      const rename = <T,>(o: Record<string, T>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [renamed[k] ?? k, v]))
      expect(Object.keys(got.scalars).sort()).toEqual(Object.keys(rename(want.scalars)).sort())
      for (const [key, points] of Object.entries(rename(want.scalars))) expect(got.scalars[key], key).toEqual(points)
      expect(got.series).toEqual(rename(want.series))
      expect(got.summary.final).toEqual(rename(want.summary.final))
      expect([got.summary.steps, got.summary.epochs]).toEqual([want.summary.steps, want.summary.epochs])
      // "Best" is chosen on a validation split now, never on test: these runs have none, so they report none.
      expect(got.summary.best).toBeUndefined()
    })
  }
})
