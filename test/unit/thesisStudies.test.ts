/**
 * The studies of thesis ch. 3–4 run in-process on the built-in digits with small nets: weight compression
 * (fixed N bits and Algorithms 1–2 at the trainer's sync points, arms × trials beside same-seed baselines) and
 * gradient amplification (output variants × trials, medians at the best validation epoch). What they log is
 * checked against what was trained — not against stored numbers.
 */
import { beforeAll, describe, expect, test } from 'vitest'
import { useBackend } from '../../src-main/engine/compute/backend'
import { curvaturePayload, runGradientAmplification } from '../../src-main/engine/studies/gradient-amplification'
import { runWeightCompression } from '../../src-main/engine/studies/weight-compression'
import { pearson } from '../../src-shared/stats'
import { dense } from '../../src-shared/network/layers'
import { completeConfig, validateConfig, withDefaults } from '../../src-shared/studies'
import { median } from '../../src-shared/studies/arms'
import { gradientAmplificationDefaults, gradientAmplificationStudy, variant } from '../../src-shared/studies/gradient-amplification'
import { curvatureCurves } from '../../src-shared/studies/training/outputs'
import { weightCompressionDefaults, weightCompressionStudy } from '../../src-shared/studies/weight-compression'
import { adam } from '../../src-shared/training/optimizer'
import { unloggedOutputKeys } from './loggedOutputs'
import { decodeCheckpoint } from '../../src-main/engine/training/checkpoint'
import { mnistLibrary, modelWeights, record, type Recorded } from './recordRun'

const datasets = mnistLibrary()
const SMALL = [dense(24, 'tanh')]

beforeAll(async () => {
  await useBackend('wasm')
})

const first = (r: Recorded, key: string) => r.scalars[key]?.[0]
const last = (r: Recorded, key: string) => r.scalars[key]?.at(-1)

/** Each member's (best validation epoch, test accuracy there) recomputed from the logged per-epoch scalars. */
function bestFromLog(r: Recorded, prefix: string, stepsPerEpoch: number): { epoch: number; test: number } {
  const val = r.scalars[`${prefix}val/accuracy`].filter((p) => p.step > 0)
  const test = r.scalars[`${prefix}test/accuracy`]
  let best = val[0]
  for (const p of val) if (p.value > best.value) best = p
  return { epoch: best.step / stepsPerEpoch, test: test.find((p) => p.step === best.step)!.value }
}

test('every template and preset of both studies is complete as it stands: completing it (what the CLI and a config file get) changes nothing', () => {
  for (const study of [weightCompressionStudy, gradientAmplificationStudy]) {
    const configs = [...study.templates.map((t) => t.config), ...study.presets.map((p) => p.config), ...(study.cards ?? []).flatMap((c) => [c.presets.cpu.config, c.presets.paper.config])]
    for (const c of configs) expect(completeConfig(study.id, c)).toEqual(c)
  }
  // A partial config naming the other compression kind gets that kind's fields, not the defaults' (fixed has no floors).
  expect((completeConfig('weight-compression', { compression: { kind: 'fixed', bits: [3] } }) as any).compression).toEqual({ kind: 'fixed', bits: [3] })
})

describe('weight-compression', () => {
  test('dynamic: bits N = ⌈H + c⌉ per layer, Huffman below raw, same-seed baseline, G and H per layer, every declared output', async () => {
    const config = withDefaults(weightCompressionDefaults, {
      layers: SMALL,
      epochs: 3,
      trials: 2,
      batchSize: 128,
      compression: { kind: 'dynamic', entropyBits: 4, fraction: 0.5, floors: [6, 2] },
      gradientSamples: 128
    })
    expect(validateConfig('weight-compression', config).ok).toBe(true)
    const r = await record(runWeightCompression, config, { datasets })
    const f = r.summary.final
    // Per sync point (3 epochs), for both floors: c ≤ raw N ≤ c + M, Huffman at most raw, ratio = 32 / Huffman bits.
    for (const c of [6, 2]) {
      const raw = r.scalars[`c${c}/bits/raw`]
      const huff = r.scalars[`c${c}/bits/huffman`]
      expect(raw.length).toBe(3)
      raw.forEach((p, i) => {
        expect(p.value).toBeGreaterThanOrEqual(c)
        expect(p.value).toBeLessThanOrEqual(c + 4)
        expect(huff[i].value).toBeLessThanOrEqual(p.value + 1e-9)
      })
      expect(f[`c${c}/bits/raw`]).toBeGreaterThanOrEqual(c)
      expect(f[`c${c}/bits/raw`]).toBeLessThanOrEqual(c + 4)
      expect(f[`c${c}/bits/huffman`]).toBeLessThanOrEqual(f[`c${c}/bits/raw`])
    }
    expect(r.scalars['bits/raw'].map((p) => p.value)).toEqual(r.scalars['c6/bits/raw'].map((p) => p.value))
    r.scalars['compression/ratio'].forEach((p, i) => expect(p.value).toBeCloseTo(32 / r.scalars['bits/huffman'][i].value, 10))
    expect(f['compression/ratio']).toBeCloseTo(32 / f['bits/huffman'], 10)
    // Entropy of M = 4-bit weights lies in [0, 4]; gradient RMS is positive; one value per layer per epoch.
    for (const layer of ['dense1', 'output']) {
      expect(r.scalars[`entropy/${layer}`].length).toBe(3)
      for (const p of r.scalars[`entropy/${layer}`]) {
        expect(p.value).toBeGreaterThan(0)
        expect(p.value).toBeLessThanOrEqual(4)
      }
      expect(r.scalars[`grad_rms/${layer}`].length).toBe(3)
      for (const p of r.scalars[`grad_rms/${layer}`]) expect(p.value).toBeGreaterThan(0)
      // The correlation is the Pearson correlation of log(G + 1) with H over the epochs.
      const h = r.scalars[`entropy/${layer}`].map((p) => p.value)
      const g = r.scalars[`grad_rms/${layer}`].map((p) => Math.log(p.value + 1))
      const c = pearson(g, h)
      if (Number.isFinite(c)) expect(f[`correlation/${layer}`]).toBeCloseTo(c, 10)
      else expect(f[`correlation/${layer}`]).toBeUndefined()
    }
    // Every arm of a trial starts from that trial's weights: identical before training, apart once compressed.
    expect(first(r, 'c2/t1/val/loss')!.value).toBe(first(r, 'baseline/t1/val/loss')!.value)
    expect(first(r, 'c6/t2/val/loss')!.value).toBe(first(r, 'baseline/t2/val/loss')!.value)
    expect(first(r, 'baseline/t1/val/loss')!.value).not.toBe(first(r, 'baseline/t2/val/loss')!.value)
    expect(last(r, 'c2/t1/val/loss')!.value).not.toBe(last(r, 'baseline/t1/val/loss')!.value)
    // Summary medians are those of each net's best validation epoch, recomputed from the log.
    const stepsPerEpoch = r.summary.steps / 3
    for (const arm of ['baseline', 'c6', 'c2']) {
      const b = [1, 2].map((t) => bestFromLog(r, `${arm}/t${t}/`, stepsPerEpoch))
      const key = arm === 'baseline' ? 'baseline/test/accuracy' : `floor/${arm}/accuracy`
      expect(f[key]).toBeCloseTo(median(b.map((x) => x.test)), 12)
      expect(f[arm === 'baseline' ? 'baseline/epoch' : `floor/${arm}/epoch`]).toBe(median(b.map((x) => x.epoch)))
    }
    expect(f['test/accuracy']).toBe(f['floor/c6/accuracy'])
    const box = r.series['compression/accuracy'].at(-1)!.payload
    expect(box.groups.map((g: any) => g.label)).toEqual(['c = 6', 'c = 2'])
    expect(box.groups[0].values.length).toBe(2)
    expect(box.lines[0].value).toBe(f['baseline/test/accuracy'])
    const curves = r.series['floors/accuracy'][0].payload
    expect(curves.x).toEqual([6, 2])
    expect(curves.series[0].y).toEqual([f['floor/c6/accuracy'], f['floor/c2/accuracy']])
    const table = r.series['compression/table'][0].payload
    expect(table.rows.find((row: any) => row.figure === 'c = 6: Huffman bits per parameter').thesis).toBe(3.78)
    expect(unloggedOutputKeys(weightCompressionStudy.outputs, Object.keys(r.scalars), Object.keys(r.series))).toEqual([])
  }, 120_000)

  test('fixed: every weight tensor of a 2-bit net ends on at most 4 bin centres of its range; 2-bit nets cost exactly 2 raw bits', async () => {
    const config = withDefaults(weightCompressionDefaults, {
      layers: SMALL,
      epochs: 2,
      trials: 1,
      batchSize: 128,
      optimizer: adam(0.003),
      compression: { kind: 'fixed', bits: [2, 12] },
      gradientSamples: 0
    })
    const r = await record(runWeightCompression, config, { datasets })
    expect(r.scalars['bits2/bits/raw'].map((p) => p.value)).toEqual([2, 2])
    expect(r.scalars['bits12/bits/raw'].map((p) => p.value)).toEqual([12, 12])
    // The saved model is the headline arm's first net (bits2/t1), after its last sync point.
    const weights = modelWeights(r.artifacts['model.json'])
    for (const [name, w] of Object.entries(weights)) {
      const distinct = [...new Set(w.values)].sort((a, b) => a - b)
      expect(distinct.length, name).toBeLessThanOrEqual(4)
      if (distinct.length > 1) {
        // Centres of 4 equal bins: equally spaced (the bins some weights fill).
        const step = (distinct.at(-1)! - distinct[0]) / 3
        for (const v of distinct) expect(Math.abs((v - distinct[0]) / step - Math.round((v - distinct[0]) / step))).toBeLessThan(1e-3)
      }
    }
    expect(r.summary.final['fixed/bits2/accuracy']).toBeLessThan(r.summary.final['fixed/bits12/accuracy'])
    expect(r.series['floors/accuracy']).toBeUndefined()
  }, 120_000)

  test('cancelled after a checkpoint and resumed, it ends with the uninterrupted run\'s figures (bits, entropies, best epochs)', async () => {
    const config = withDefaults(weightCompressionDefaults, {
      layers: SMALL,
      epochs: 4,
      trials: 2,
      batchSize: 256,
      checkpointEvery: 1,
      compression: { kind: 'dynamic', entropyBits: 4, fraction: 0.2, floors: [3] },
      gradientSamples: 64
    })
    const straight = await record(runWeightCompression, config, { datasets })
    // Cancel once the epoch-2 checkpoint is written (the trainer stops at the next step), then resume from it.
    let checkpoints = 0
    let last: Uint8Array | null = null
    const cut = await record(runWeightCompression, config, {
      datasets,
      artifact: (name, _kind, bytes) => {
        if (name !== 'checkpoint') return
        checkpoints++
        last = bytes
      },
      get aborted() {
        return checkpoints >= 2
      }
    })
    expect(cut.summary.epochs).toBe(2)
    const resumed = await record(runWeightCompression, config, { datasets, resume: decodeCheckpoint(last!) })
    const figures = (f: Record<string, number>) => Object.fromEntries(Object.entries(f).filter(([k]) => !k.includes('/t')).sort())
    expect(figures(resumed.summary.final)).toEqual(figures(straight.summary.final))
    expect(resumed.scalars['bits/huffman'].map((p) => p.value)).toEqual(straight.scalars['bits/huffman'].slice(2).map((p) => p.value))
  }, 120_000)

  test('bad configs are refused with the field named', () => {
    const bad = (patch: unknown) => {
      const v = validateConfig('weight-compression', withDefaults(weightCompressionDefaults, patch))
      return v.ok ? [] : v.problems.map((p) => `${p.path}: ${p.message}`)
    }
    expect(bad({ compression: { kind: 'dynamic', entropyBits: 4, fraction: 0.03, floors: [28] } }).join()).toMatch(/compression\.floors\.0: c \+ M may reach 32/)
    expect(bad({ compression: { kind: 'fixed', bits: [4, 4] } }).join()).toMatch(/compression\.bits: each value once/)
    expect(bad({ compression: { kind: 'fixed', bits: [31] } }).join()).toMatch(/compression\.bits\.0/)
    expect(bad({ trials: 100, compression: { kind: 'fixed', bits: [2, 3, 4] } }).join()).toMatch(/trials: 400 networks/)
    expect(bad({ dataset: { validationFraction: 0 } }).join()).toMatch(/dataset\.validationFraction: each net is judged/)
    expect(bad({ compression: { kind: 'dynamic', bits: [4] } }).length).toBeGreaterThan(0)
  })

  test('an unknown dataset and a network that does not fit fail with readable messages', async () => {
    const config = withDefaults(weightCompressionDefaults, { layers: SMALL, epochs: 1, trials: 1 })
    await expect(record(runWeightCompression, { ...config, dataset: { ...config.dataset, datasetId: 'gone' } }, { datasets })).rejects.toThrow(/not in the library/)
    await expect(record(runWeightCompression, { ...config, layers: [{ type: 'maxpool2d', poolSize: 8, strides: 8, padding: 'valid' }, { type: 'conv2d', filters: 4, kernelSize: 15, strides: 1, padding: 'valid', activation: 'relu' }] }, { datasets })).rejects.toThrow(/does not fit/)
  })
})

describe('gradient-amplification', () => {
  test('variants × trials: same hidden init per trial, medians at the best validation epoch, Table 4.1 beside', async () => {
    const config = withDefaults(gradientAmplificationDefaults, {
      layers: [dense(24, 'relu')],
      variants: [variant('linear-mse', { learningRate: 0.03 }), variant('exp-ga', { params: { trueTarget: 2, otherTarget: 0, alpha: 0.1 }, learningRate: 0.02 })],
      epochs: 3,
      trials: 2,
      batchSize: 128,
      explainerTarget: 2,
      probes: [{ id: 'gradient-rms', every: 1, params: { samples: 64 } }]
    })
    expect(validateConfig('gradient-amplification', config).ok).toBe(true)
    const r = await record(runGradientAmplification, config, { datasets })
    const f = r.summary.final
    // Same trial, same initial outputs: argmax accuracy before training is the same for every variant.
    expect(first(r, 'linear-mse/t1/val/accuracy')!.value).toBe(first(r, 'exp-ga/t1/val/accuracy')!.value)
    expect(first(r, 'linear-mse/t1/val/loss')!.value).not.toBe(first(r, 'linear-mse/t2/val/loss')!.value)
    const stepsPerEpoch = r.summary.steps / 3
    for (const v of ['linear-mse', 'exp-ga']) {
      const b = [1, 2].map((t) => bestFromLog(r, `${v}/t${t}/`, stepsPerEpoch))
      expect(f[`table/${v}/error`]).toBeCloseTo(1 - median(b.map((x) => x.test)), 12)
      expect(f[`table/${v}/epochs_to_best`]).toBe(median(b.map((x) => x.epoch)))
      expect(f[`table/${v}/error`]).toBeLessThan(0.5)
      // The per-epoch median error curve.
      expect(r.scalars[`${v}/test/error`].length).toBe(4)
    }
    const table = r.series['ga/table'].at(-1)!.payload
    const lin = table.rows.find((row: any) => row.variant === 'linear-mse')
    expect([lin.thesisError, lin.thesisEpochs, lin.targets]).toEqual([0.017, 73.5, '{-1, 1}'])
    expect(table.rows.find((row: any) => row.variant === 'exp-ga').thesisError).toBeNull()
    // The explainer: the curves for the configured target, at step 0.
    const explainer = r.series['ga/curvature'][0]
    expect(explainer.step).toBe(0)
    expect(explainer.payload.series[1].y).toEqual(curvatureCurves(2).exp)
    expect(curvaturePayload(2).series.map((s) => s.name)).toEqual(explainer.payload.series.map((s: any) => s.name))
    // Probes measure the first trial's nets only, under their names.
    expect(Object.keys(r.scalars).filter((k) => k.startsWith('gradient-rms/')).sort()).toEqual(['gradient-rms/exp-ga/t1/dense1', 'gradient-rms/exp-ga/t1/output', 'gradient-rms/linear-mse/t1/dense1', 'gradient-rms/linear-mse/t1/output'])
    expect(unloggedOutputKeys(gradientAmplificationStudy.outputs, Object.keys(r.scalars), Object.keys(r.series))).toEqual([])
  }, 120_000)

  test('bad variants are refused with the field named', () => {
    const bad = (patch: unknown) => {
      const v = validateConfig('gradient-amplification', withDefaults(gradientAmplificationDefaults, patch))
      return v.ok ? [] : v.problems.map((p) => `${p.path}: ${p.message}`)
    }
    expect(bad({ variants: [variant('tanh-mse'), variant('tanh-mse')] }).join()).toMatch(/variants\.1\.name: "tanh-mse" is used twice/)
    expect(bad({ variants: [{ name: 'x', loss: 'exp-ga', lossParams: { trueTarget: 1, otherTarget: 0 } }] }).join()).toMatch(/variants\.0\.lossParams\.alpha: exp-ga needs alpha/)
    expect(bad({ variants: [{ name: '__proto__', loss: 'mse' }] }).join()).toMatch(/variants\.0\.name/)
    expect(bad({ variants: [{ name: 'x', loss: 'softmax-cross-entropy', lossParams: { trueTarget: 1, otherTarget: 0 } }] }).join()).toMatch(/remove lossParams/)
    expect(bad({ trials: 100 }).join()).toMatch(/trials: 300 networks/)
  })
})
