/**
 * The `platonic` study's runner in-process: rows × seeds fitted in closed form, the table with the thesis's
 * numbers beside, mean ± std over seeds, the fitted curve (1-D), the decision regions (2-D), the layer-wise LSD
 * and the per-try LSD; a row the solver cannot take is reported in the table while the others run.
 */
import { describe, expect, test } from 'vitest'
import { runPlatonic } from '../../src-main/engine/studies/platonic'
import { completeConfig, validateConfig, withDefaults } from '../../src-shared/studies'
import { platonicTemplates } from '../../src-shared/studies/platonic'
import { mnistLibrary, record } from './recordRun'

describe('platonic study', () => {
  test('two spirals: rows × seeds, mean ± std, the thesis beside, decision regions and LSD curves', async () => {
    // Rows in the format saved before float32 existed (no precision, no atol): upgraded to float64.
    const config = completeConfig('platonic', {
      dataset: { kind: 'generator', generator: 'two-spirals', params: { n: 1200, noise: 0 }, testFraction: 0.2 },
      rows: [
        { name: 'tries1', hidden: [32, 32, 32, 32], activation: 'tanh', kind: 'random', alpha: 0.1, beta: 10, tries: 1, solver: 'pinv', lambda: 0, rcond: 1e-15 },
        { name: 'tries5', hidden: [16, 16], activation: 'tanh', kind: 'random', alpha: 0.1, beta: 10, tries: 5, solver: 'lstsq', lambda: 0, rcond: 1e-15 },
        { name: 'wide-pca', hidden: [64], activation: 'tanh', kind: 'pca', alpha: 0.1, beta: 10, tries: 1, solver: 'pinv', lambda: 0, rcond: 1e-15 },
        { name: 'f32-tries1', hidden: [32, 32], activation: 'tanh', kind: 'random', alpha: 0.1, beta: 10, tries: 1, solver: 'pinv', lambda: 0, rcond: 1e-15, precision: 'float32', atol: 0 }
      ],
      seeds: 3,
      reference: 'two-spirals'
    }) as any
    expect(config.rows[0]).toMatchObject({ precision: 'float64', atol: 0 })
    expect(validateConfig('platonic', config).ok).toBe(true)
    const r = await record(runPlatonic, config)
    const f = r.summary.final
    expect(f['table/tries1/accuracy']).toBeGreaterThan(0.95)
    expect(f['test/accuracy']).toBe(f['table/tries1/accuracy'])
    expect(f['table/tries1/accuracy_std']).toBeGreaterThanOrEqual(0)
    expect(f['train/mse']).toBeGreaterThan(0)
    const table = r.series['platonic/table'].at(-1)!.payload
    expect(table.rows.map((row: any) => [row.row, row.seeds])).toEqual([['tries1', 3], ['tries5', 3], ['wide-pca', 0], ['f32-tries1', 3]])
    // The float32 row beside the thesis's float32 figure.
    expect(table.rows[3].thesis).toBe(0.8973)
    expect(f['table/f32-tries1/accuracy']).toBeGreaterThan(0.5)
    expect(table.rows[0].thesis).toBe(0.9999)
    // Platonic PCA gives at most inputs + 1 + outputs = 4 directions: the 64-wide row says why instead of a number.
    expect(table.rows[2].note).toMatch(/at most 4 directions/)
    expect(f['table/wide-pca/accuracy']).toBeUndefined()
    // Decision regions of the first row, over the points.
    const b = r.series['platonic/boundary'][0].payload
    expect(Buffer.from(b.cls, 'base64').length).toBe(b.nx * b.ny)
    expect(r.series['platonic/points'][0].payload.x.length).toBeGreaterThan(0)
    // LSD per layer (input + 4 hidden) for the first row, and each of the 5 tries of the second, the kept one the lowest.
    const lsd = r.series['platonic/lsd'].at(-1)!.payload
    expect(lsd.x).toEqual([0, 1, 2, 3, 4])
    const tries = r.series['platonic/tries'][0].payload
    expect(tries.series).toHaveLength(2)
    expect(tries.series[0].y).toHaveLength(5)
    expect(lsd.series[1].y[1]).toBe(Math.min(...tries.series[0].y))
  }, 60_000)

  test('the sine: a regression table (MSE) and the fitted curve; the MNIST template fits one hidden layer by ridge', async () => {
    const sine = withDefaults(platonicTemplates[0].config, { dataset: { kind: 'generator', generator: 'sine-regression', params: { n: 1500, periods: 2, noise: 0 }, testFraction: 0.2 }, seeds: 2 })
    const r = await record(runPlatonic, sine)
    expect(r.summary.final['test/mse']).toBeLessThan(0.01)
    const curve = r.series['platonic/fit'][0].payload
    expect(curve.series.map((s: any) => s.name)).toEqual(['data (test)', 'fit (celu-16-16)'])
    expect(curve.x).toEqual([...curve.x].sort((a: number, b: number) => a - b))
    const mnist = withDefaults(platonicTemplates[2].config, { dataset: { ...platonicTemplates[2].config.dataset, maxTrain: 600 }, rows: platonicTemplates[2].config.rows.filter((row) => row.hidden[0] === 98) })
    expect(validateConfig('platonic', mnist).ok).toBe(true)
    const m = await record(runPlatonic, mnist, { datasets: mnistLibrary() })
    // λ is the thesis's 50 000 scaled to the template's 5 000 rows.
    expect(platonicTemplates[2].config.rows.every((row) => row.lambda === 4167)).toBe(true)
    for (const k of ['elm-98', 'random-98', 'pca-98', 'sorted-98']) {
      expect(m.summary.final[`table/${k}/accuracy`], k).toBeGreaterThanOrEqual(0)
      expect(m.summary.final[`table/${k}/accuracy`], k).toBeLessThanOrEqual(1)
    }
    // Random hidden weights + a ridge output layer, and samples picked along the first PC as weights, classify
    // the digits well above chance (10 %) even on 600 rows.
    expect(m.summary.final['table/elm-98/accuracy']).toBeGreaterThan(0.4)
    expect(m.summary.final['table/sorted-98/accuracy']).toBeGreaterThan(0.5)
    expect(m.series['platonic/table'].at(-1)!.payload.rows.map((row: any) => row.thesis)).toEqual([0.7728, 0.8919, 0.8921, 0.8619])
  }, 60_000)
})
