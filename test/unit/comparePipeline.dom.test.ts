/** The compare view's pure pieces: x-axis mapping, downsampling to width, tooltip rows, CSV ranges, parallel brush. */
import { describe, expect, it } from 'vitest'
import { appendPoint, columnsFrom } from '../../src-renderer/components/compare/columns'
import { buildCurve, curvesCsv, drawnPoints, tooltipRows, xValues } from '../../src-renderer/components/compare/pipeline'
import { brushFromIntervals, fieldScale, intervalsFromBrush, keptByBrush, parallelData, sortCategories } from '../../src-renderer/components/compare/parallel'
import type { Run } from '../../src-shared/records'

const cols = (steps: number[], values: number[], wall = steps.map((s) => 5000 + s * 1000)) => columnsFrom({ step: steps, value: values, wall })

describe('compare pipeline', () => {
  it('maps steps to epochs through the epoch scalar, and wall time to seconds since the first point', () => {
    const c = cols([0, 5, 10, 15], [1, 2, 3, 4])
    const epoch = cols([0, 10], [0, 1])
    expect([...xValues(c, 'epoch', { epoch, t0: 0 })]).toEqual([0, 0.5, 1, 1])
    expect([...xValues(c, 'epoch', { epoch: null, stepsPerEpoch: 5, t0: 0 })]).toEqual([0, 1, 2, 3])
    expect([...xValues(c, 'relative', { t0: 5000 })]).toEqual([0, 5, 10, 15])
  })

  it('grows columns for live points and skips re-sent steps', () => {
    const c = cols([0, 1], [1, 1])
    for (let s = 2; s < 40; s++) appendPoint(c, s, 0, s)
    appendPoint(c, 39, 0, -1)
    expect(c.n).toBe(40)
    expect(c.value[39]).toBe(39)
  })

  it('downsamples to about the pixel width but keeps spikes, and exports full resolution for the zoomed range', () => {
    const n = 10_000
    const steps = Array.from({ length: n }, (_, i) => i)
    const values = steps.map((i) => (i === 4321 ? 50 : Math.sin(i / 100)))
    const curve = buildCurve('a', 'A', '#000', cols(steps, values), 'step', { t0: 0 }, { kind: 'none', weight: 0, sigma: 1 })
    const drawn = drawnPoints(curve.x, curve.smooth, null, 400, false)
    expect(drawn.length).toBeLessThan(3 * 400 + 3)
    expect(drawn.some(([x, y]) => x === 4321 && y === 50)).toBe(true)
    const csv = curvesCsv([curve], [100, 199], 'step')
    expect(csv.rows).toHaveLength(100)
    expect(csv.rows[0]).toEqual(['A', 100, values[100], values[100]])
  })

  it('lists every curve at the hovered x, highest first', () => {
    const mk = (name: string, ys: number[]) => ({ name, color: '#000', x: Float64Array.from([0, 10, 20]), smooth: Float64Array.from(ys) })
    const rows = tooltipRows([mk('low', [1, 2, 3]), mk('high', [5, 6, 7])], 12)
    expect(rows.map((r) => [r.name, r.value])).toEqual([['high', 6], ['low', 2]])
  })

  it('keeps the runs inside the brush on numeric and category axes', () => {
    const run = (id: string, lr: number, opt: string) => ({ id, name: id, config: { lr, opt } }) as unknown as Run
    const metrics = { a: { acc: { last: 0.9 } }, b: { acc: { last: 0.5 } }, c: { acc: { last: 0.7 } } } as never
    const { axes, rows } = parallelData([run('a', 0.1, 'sgd'), run('b', 0.01, 'adam'), run('c', 0.001, 'sgd')], ['lr', 'opt'], 'acc', metrics)
    expect(axes.map((a) => a.type)).toEqual(['log', 'category', 'value'])
    const opt = brushFromIntervals(axes[1], intervalsFromBrush(axes[1], ['sgd']))!
    expect(opt).toEqual(['sgd'])
    const brush = { opt, acc: [0.8, 1] as [number, number] }
    expect(rows.filter((r) => keptByBrush(r, axes, brush)).map((r) => r.id)).toEqual(['a'])
    expect(rows.filter((r) => keptByBrush(r, axes, {})).map((r) => r.id)).toEqual(['a', 'b', 'c'])
  })

  it('gives hyperparameters the axis their values want: log over decades, categories for seeds and enums', () => {
    expect(fieldScale('optimizer.learningRate', [0.0003, 0.001, 0.01])).toBe('log')
    expect(fieldScale('optimizer.learningRate', [0.01, 0.03])).toBe('value') // within a decade
    expect(fieldScale('network.layers.0.units', [8, 512])).toBe('log')
    expect(fieldScale('optimizer.momentum', [0, 0.9])).toBe('value') // zero: no log
    expect(fieldScale('seed', [0, 1, 2, 10])).toBe('category') // a seed has no order or distance
    expect(fieldScale('dataset.dataSeed', [3, 4])).toBe('category')
    expect(fieldScale('network.layers.0.activation', ['relu', 'tanh'])).toBe('category')
    expect(fieldScale('shuffle', [true, false])).toBe('category')
    expect(sortCategories([10, 2, 1, 'b', 'a'])).toEqual(['1', '2', '10', 'a', 'b'])
    const run = (id: string, seed: number) => ({ id, name: id, config: { seed, lr: 0.1 } }) as unknown as Run
    const { axes } = parallelData([run('a', 10), run('b', 2)], ['seed', 'lr'], null, {} as never)
    expect(axes.map((a) => [a.type, a.categories])).toEqual([['category', ['2', '10']], ['value', []]])
  })
})
