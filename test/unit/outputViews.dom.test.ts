/**
 * The generic series views of declared outputs (src-renderer/outputs/views) in happy-dom: the pure maths they draw
 * with (re-binning onto one grid, row normalisation, image decoding, sorting, formats), and each view mounted with
 * payloads whose drawn data can be checked — ChartPanel is stubbed to record the ECharts option and the CSV it is
 * given (ECharts itself needs a canvas), and canvases get a 2-D context that records the pixels put on them (the
 * matrices over steps and large heatmaps are drawn as one image). Every test also fails on a Vue warning or a
 * console error.
 */
import { mount } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { defineComponent, h, nextTick } from 'vue'
import type { BoxPlotPayload, CurvesPayload, HeatmapPayload, HistogramPayload, ImageGridPayload, TablePayload, VectorPayload } from '../../src-shared/outputs/payloads'
import { toCsv } from '../../src-renderer/lib/download'
import { imageRgba } from '../../src-renderer/lib/images'
import HeatmapView from '../../src-renderer/outputs/views/HeatmapView.vue'
import HistogramView from '../../src-renderer/outputs/views/HistogramView.vue'
import ImageGridView from '../../src-renderer/outputs/views/ImageGridView.vue'
import TableView from '../../src-renderer/outputs/views/TableView.vue'
import VectorView from '../../src-renderer/outputs/views/VectorView.vue'
import BoxPlotView from '../../src-renderer/outputs/views/BoxPlotView.vue'
import CurvesView from '../../src-renderer/outputs/views/CurvesView.vue'
import {
  binCentres,
  boxPlotProblem,
  curvesProblem,
  fiveNumbers,
  quantile,
  cellText,
  colourAt,
  columnFormatter,
  decodeImageGrid,
  histogramMatrix,
  histogramProblem,
  labelInterval,
  matrixPixels,
  rebin,
  rowNormalise,
  sharedFormatter,
  sortRows,
  textOn,
  VIRIDIS
} from '../../src-renderer/outputs/views/viewMath'

const downloads: { name: string; text: string }[] = []
vi.mock('../../src-renderer/lib/download', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src-renderer/lib/download')>()
  return { ...real, downloadText: (name: string, text: string) => downloads.push({ name, text }), downloadDataUrl: () => {} }
})

/** ChartPanel as a plain section that keeps the option and CSV function it was given. */
const ChartPanelStub = defineComponent({
  name: 'ChartPanel',
  props: { title: String, option: Object, csv: Function, height: Number },
  setup: (props, { slots }) => () => h('section', { 'data-testid': 'chart', 'data-title': props.title }, slots.default?.())
})
const stubs = { ChartPanel: ChartPanelStub }

type Option = Record<string, any>
const optionOf = (w: ReturnType<typeof mount>): Option => w.findComponent(ChartPanelStub).props('option') as Option
const csvOf = (w: ReturnType<typeof mount>) => {
  const { header, rows } = (w.findComponent(ChartPanelStub).props('csv') as () => { header: string[]; rows: (string | number | null)[][] })()
  return { header, rows, text: toCsv(header, rows) }
}

/** Every ImageData put on a canvas (happy-dom has no 2-D context of its own). */
const drawn: ImageData[] = []
function fakeCanvasContext() {
  vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockImplementation(
    () => ({ putImageData: (img: ImageData) => void drawn.push(img), drawImage: () => {}, fillRect: () => {}, fillText: () => {}, measureText: (t: string) => ({ width: t.length * 6 }) }) as any
  )
  vi.spyOn(HTMLCanvasElement.prototype, 'toDataURL').mockImplementation(() => 'data:image/png;base64,AAAA')
}

let errors: unknown[][] = []
beforeEach(() => {
  errors = []
  downloads.length = 0
  drawn.length = 0
  fakeCanvasContext()
  vi.spyOn(console, 'error').mockImplementation((...a) => void errors.push(a))
  vi.spyOn(console, 'warn').mockImplementation((...a) => void errors.push(a))
})
afterEach(() => {
  vi.restoreAllMocks()
  document.body.innerHTML = ''
  expect(errors, 'console errors or Vue warnings').toEqual([])
})

/** A histogram of `n` evenly spaced bins over [lo, hi] with the given counts. */
function histogram(lo: number, hi: number, counts: number[], extra: Partial<HistogramPayload> = {}): HistogramPayload {
  const edges = Array.from({ length: counts.length + 1 }, (_, i) => lo + ((hi - lo) * i) / counts.length)
  return { edges, counts, ...extra }
}

const b64 = (bytes: number[]) => btoa(String.fromCharCode(...bytes))

describe('view maths', () => {
  it('re-bins a histogram by overlap, conserving its count', () => {
    // [0,1): 4 and [1,2): 2 onto half-width bins: each source bin splits evenly.
    expect(Array.from(rebin([0, 1, 2], [4, 2], [0, 0.5, 1, 1.5, 2]))).toEqual([2, 2, 1, 1])
    // A source bin straddling two target bins goes in proportion: [0.25, 0.75) → 1/2 in each of [0, .5), [.5, 1).
    expect(Array.from(rebin([0.25, 0.75], [6], [0, 0.5, 1]))).toEqual([3, 3])
    // A zero-width bin (every weight equal) lands whole in the bin that holds it.
    expect(Array.from(rebin([0.7, 0.7], [5], [0, 0.5, 1]))).toEqual([0, 5])
  })

  it('puts every step on one value grid spanning all steps, each step keeping its total', () => {
    const history = [
      { step: 0, payload: histogram(-0.1, 0.1, [1, 5, 9, 5, 1]) },
      { step: 100, payload: histogram(-0.3, 0.2, [2, 4, 8, 6, 2, 1, 1]) },
      { step: 200, payload: histogram(-0.5, 0.6, [1, 3, 7, 9, 3, 2]) },
      { step: 300, payload: { edges: [1, 2], counts: [1, 2] } } // malformed: left out, and said so
    ]
    const m = histogramMatrix(history)
    expect(m.steps).toEqual([0, 100, 200])
    expect(m.skipped).toBe(1)
    expect(m.edges[0]).toBe(-0.5)
    expect(m.edges.at(-1)).toBeCloseTo(0.6, 12)
    // Uniform common grid, at least as fine as the finest-binned step.
    const widths = m.edges.slice(1).map((e, i) => e - m.edges[i])
    for (const w of widths) expect(w).toBeCloseTo(widths[0], 12)
    expect(m.edges.length - 1).toBeGreaterThanOrEqual(7)
    m.values.forEach((row, s) => {
      expect(row.length).toBe(m.edges.length - 1)
      const total = (history[s].payload as HistogramPayload).counts.reduce((a, b) => a + b, 0)
      expect(Array.from(row as ArrayLike<number>).reduce((a, b) => a + b, 0)).toBeCloseTo(total, 9)
    })
    // Step 0 lies within [-0.1, 0.1]: nothing of it outside that range on the common grid.
    const centres = binCentres(m.edges)
    const width = widths[0]
    Array.from(m.values[0] as ArrayLike<number>).forEach((v, k) => {
      if (Math.abs(centres[k]) > 0.1 + width) expect(v).toBe(0)
    })
  })

  it('gives a matrix for steps whose weights are all one value (biases at zero)', () => {
    const m = histogramMatrix([
      { step: 0, payload: { edges: [0, 0, 0], counts: [10, 0] } },
      { step: 1, payload: { edges: [0, 0, 0], counts: [10, 0] } }
    ])
    expect(m.edges[0]).toBeLessThan(0)
    expect(m.edges.at(-1)).toBeGreaterThan(0)
    for (const row of m.values) expect(Array.from(row as ArrayLike<number>).reduce((a, b) => a + b, 0)).toBe(10)
  })

  it('row-normalises a confusion matrix so each true class sums to 1, an empty row staying empty', () => {
    const n = rowNormalise([8, 2, 0, 1, 3, 0, 0, 0, 0], 3, 3)
    expect(n[0]! + n[1]! + n[2]!).toBeCloseTo(1)
    expect(n[3]! + n[4]! + n[5]!).toBeCloseTo(1)
    expect(n.slice(0, 3)).toEqual([0.8, 0.2, 0])
    expect(n.slice(6)).toEqual([null, null, null])
  })

  it('decodes a 2 × 2 grey image to RGBA pixels, and an RGB one', () => {
    const grey = decodeImageGrid({ shape: [2, 2, 1], images: b64([0, 64, 128, 255]), captions: ['7 → 1'] })
    expect(grey.count).toBe(1)
    expect(Array.from(imageRgba(grey, 0))).toEqual([0, 0, 0, 255, 64, 64, 64, 255, 128, 128, 128, 255, 255, 255, 255, 255])
    const rgb = decodeImageGrid({ shape: [1, 2, 3], images: b64([255, 0, 0, 0, 0, 255, 9, 9, 9, 1, 2, 3]), captions: ['a', 'b'] })
    expect(rgb.count).toBe(2)
    expect(Array.from(imageRgba(rgb, 0))).toEqual([255, 0, 0, 255, 0, 0, 255, 255])
    expect(Array.from(imageRgba(rgb, 1))).toEqual([9, 9, 9, 255, 1, 2, 3, 255])
  })

  it('says what is wrong with an image grid', () => {
    expect(() => decodeImageGrid({ shape: [2, 2, 1], images: b64([1, 2, 3]), captions: ['x'] })).toThrow('images hold 3 bytes, not a whole number of 2 × 2 × 1 images (4 bytes each)')
    expect(() => decodeImageGrid({ shape: [2, 2, 1], images: b64([1, 2, 3, 4]), captions: [] })).toThrow('0 captions for 1 images')
    expect(() => decodeImageGrid({ shape: [2, 2, 4], images: '', captions: [] })).toThrow(/4 channels/)
    expect(() => decodeImageGrid({ shape: [2, 2, 1], images: '%%%', captions: [] })).toThrow('images is not valid base64')
  })

  it('says what is wrong with a histogram', () => {
    expect(histogramProblem({ edges: [0, 1], counts: [1, 2] })).toBe('2 edges for 2 bins (expected 3)')
    expect(histogramProblem({ counts: [1] })).toMatch(/edges is missing/)
    expect(histogramProblem({ edges: [0, 2, 1], counts: [1, 2] })).toMatch(/not ascending/)
    expect(histogramProblem({ edges: [0, 1, 2], counts: [1, -2] })).toMatch(/count 1 is -2/)
    expect(histogramProblem(histogram(0, 1, [1, 2]))).toBeNull()
  })

  it('sorts table rows by numbers or text, empty cells last either way', () => {
    const rows = [{ k: 'b', v: 2 }, { k: 'a10', v: null }, { k: 'a9', v: 10 }, { k: 'c', v: -1 }]
    expect(sortRows(rows, 'v', 'asc').map((r) => r.v)).toEqual([-1, 2, 10, null])
    expect(sortRows(rows, 'v', 'desc').map((r) => r.v)).toEqual([10, 2, -1, null])
    expect(sortRows(rows, 'k', 'asc').map((r) => r.k)).toEqual(['a9', 'a10', 'b', 'c'])
  })

  it('formats axis values compactly with one precision that keeps neighbours apart', () => {
    const centres = binCentres(histogram(-0.0749, 0.0999, Array(30).fill(1)).edges)
    const fmt = sharedFormatter(centres)
    const labels = centres.map(fmt)
    expect(new Set(labels).size).toBe(labels.length)
    for (const l of labels) expect(l).toMatch(/^-?\d\.\d{3}$/)
    expect(sharedFormatter([0, 500, 1000])(500)).toBe('500')
    expect(sharedFormatter([1e-5, 2e-5, 3e-5])(2e-5)).toBe('2e-5')
    expect(sharedFormatter([-0.001, 0, 0.5])(-0.0001)).toBe('0.000')
  })

  it('formats a table column with one precision, percent columns as percentages', () => {
    expect(['x', 0.97531, 0.5].map(columnFormatter([0.97531, 0.5], true))).toEqual(['x', '97.53%', '50.00%'])
    expect([3, 12].map(columnFormatter([3, 12]))).toEqual(['3', '12'])
    expect([0.0234, 2.31].map(columnFormatter([0.0234, 2.31]))).toEqual(['0.023', '2.310'])
  })

  it('colours matrix pixels on the scale, row 0 at the top, blank cells transparent', () => {
    const values = [
      [0, 5],
      [10, null]
    ]
    const px = matrixPixels((r, c) => values[r][c], 2, 2, { min: 0, max: 10, stops: VIRIDIS }, (v) => v === 0)
    expect(Array.from(px.slice(0, 4))).toEqual([0, 0, 0, 0])
    expect(Array.from(px.slice(4, 8))).toEqual([...colourAt(VIRIDIS, 128 / 255), 255])
    expect(Array.from(px.slice(8, 12))).toEqual([...colourAt(VIRIDIS, 1), 255])
    expect(Array.from(px.slice(12, 16))).toEqual([0, 0, 0, 0])
  })

  it('thins category labels to a round step that keeps them apart', () => {
    expect(labelInterval(10, 400, 14)).toBe(0)
    expect(labelInterval(100, 200, 14)).toBe(9)
    expect(labelInterval(200, 300, 56)).toBe(49)
  })

  it('writes cell numbers: counts whole, fractions as percentages, bare whole percentages in small cells', () => {
    expect(cellText(12.0000001, 'count')).toBe('12')
    expect(cellText(0.025, 'fraction')).toBe('2.5%')
    expect(cellText(0.791, 'fraction')).toBe('79%')
    expect(cellText(0.025, 'fraction', true)).toBe('3')
    expect(cellText(0.004, 'fraction', true)).toBe('<1')
    expect(cellText(0, 'fraction', true)).toBe('0')
    expect(cellText(-0.08694, 'value')).toBe('-0.0869')
    expect(cellText(null, 'count')).toBe('')
  })

  it('picks white text on dark cells and dark text on light ones', () => {
    expect(textOn(VIRIDIS, 0)).toBe('#ffffff')
    expect(textOn(VIRIDIS, 1)).toBe('#111111')
  })
})

describe('HistogramView', () => {
  const payload = histogram(-0.0749, 0.0999, [0, 3, 10, 20, 7, 1], { mean: 0.0123, std: 0.031, min: -0.07, max: 0.099 })

  it('draws exactly the counts over the bin centres, with mean and std in the subtitle', () => {
    const w = mount(HistogramView, { props: { payload, step: 40, title: 'Weights — dense1' }, global: { stubs } })
    const o = optionOf(w)
    expect(o.series).toHaveLength(1)
    expect(o.series[0].data).toEqual(payload.counts)
    expect(o.xAxis[0].data).toEqual(binCentres(payload.edges))
    const labels = o.xAxis[0].data.map((v: number) => o.xAxis[0].axisLabel.formatter(String(v)))
    expect(new Set(labels).size).toBe(labels.length)
    for (const l of labels) expect(l).not.toMatch(/–/)
    expect(o.title[0].subtext).toContain('step 40')
    expect(o.title[0].subtext).toContain('mean 0.0123')
    expect(o.title[0].subtext).toContain('std 0.031')
    expect(o.title[0].subtext).toContain('n = 41')
    const csv = csvOf(w)
    expect(csv.header).toEqual(['table', 'step', 'bin_lo', 'bin_hi', 'count'])
    expect(csv.rows).toHaveLength(6)
    expect(csv.rows[3]).toEqual(['histogram', 40, payload.edges[3], payload.edges[4], 20])
  })

  it('adds the matrix over steps when there are two or more steps, each step keeping its count', () => {
    const history = Array.from({ length: 200 }, (_, s) => {
      const spread = 0.05 + s * 0.002
      return { step: s * 10, payload: histogram(-spread, spread * 1.2, Array.from({ length: 30 }, (_, k) => 1 + ((k * 7 + s) % 11))) }
    })
    const w = mount(HistogramView, { props: { payload: history[50].payload, step: 500, title: 'W', history }, global: { stubs } })
    const o = optionOf(w)
    expect(o.series).toHaveLength(2)
    expect(o.series[0].data).toEqual(history[50].payload.counts)
    expect(o.xAxis[1].data).toHaveLength(200)
    const bins = (o.yAxis[1].data as number[]).length
    // The CSV's matrix: every step on the same bins, each keeping its total count.
    const matrixRows = csvOf(w).rows.filter((r) => r[0] === 'matrix (re-binned)')
    expect(matrixRows.length).toBe(200 * bins)
    const perStep = new Map<number, number>()
    for (const r of matrixRows) perStep.set(r[1] as number, (perStep.get(r[1] as number) ?? 0) + (r[4] as number))
    history.forEach((hist) => expect(perStep.get(hist.step)).toBeCloseTo(hist.payload.counts.reduce((a, b) => a + b, 0), 6))
    // Drawn as one image, a column per step and a row per bin (highest at the top); empty bins transparent.
    const img = drawn.find((d) => d.width === 200)!
    expect(img.height).toBe(bins)
    const opaque = (c: number, r: number) => img.data[(r * 200 + c) * 4 + 3] === 255
    matrixRows.filter((r) => r[1] === 0).forEach((r, k) => expect(opaque(0, bins - 1 - k)).toBe((r[4] as number) > 1e-9))
    expect(o.series[1].type).toBe('custom')
    expect(o.visualMap[0].max).toBeGreaterThan(0)
  })

  it('draws no matrix for a single step of history', () => {
    const w = mount(HistogramView, { props: { payload, step: 0, title: 'W', history: [{ step: 0, payload }] }, global: { stubs } })
    expect(optionOf(w).series).toHaveLength(1)
  })

  it('says nothing is logged yet for a null payload, and what is wrong with a malformed one', async () => {
    const w = mount(HistogramView, { props: { payload: null, step: null, title: 'W' }, global: { stubs } })
    expect(w.find('[data-testid="view-empty"]').text()).toBe('Nothing logged yet.')
    expect(w.findComponent(ChartPanelStub).exists()).toBe(false)
    await w.setProps({ payload: { edges: [0, 1, 2], counts: [1] } })
    expect(w.find('[role="alert"]').text()).toBe('This histogram cannot be drawn: 3 edges for 1 bins (expected 2).')
  })
})

describe('HeatmapView', () => {
  const labels = ['cat', 'dog', 'bird']
  const confusion: HeatmapPayload = { rows: 3, cols: 3, values: [8, 2, 0, 1, 3, 0, 0, 5, 15], rowLabels: labels, colLabels: labels, rowTitle: 'true class', colTitle: 'predicted class', format: 'count' }

  it('draws a small count matrix with labels, titles, integer cell labels and square cells', () => {
    const w = mount(HeatmapView, { props: { payload: confusion, step: 3, title: 'Confusion matrix' }, global: { stubs } })
    const o = optionOf(w)
    expect(o.xAxis.data).toEqual(labels)
    expect(o.yAxis.data).toEqual(labels)
    expect(o.xAxis.name).toBe('predicted class')
    expect(o.yAxis.name).toBe('true class')
    expect(o.yAxis.inverse).toBe(true)
    expect(o.grid.width / 3).toBe(o.grid.height / 3)
    const s = o.series[0]
    expect(s.label.show).toBe(true)
    const cells = s.data.map((d: { value: number[] }) => d.value)
    expect(cells).toContainEqual([1, 0, 2])
    expect(cells).toContainEqual([2, 2, 15])
    expect(s.label.formatter({ data: s.data[0] })).toBe('8')
    expect(o.title.subtext).toContain('total 34')
    expect(o.title.subtext).toContain('on the diagonal 76.5 %')
    const csv = csvOf(w).text
    expect(csv.split('\n')[0]).toBe('true class \\ predicted class,cat,dog,bird')
    expect(csv.split('\n')[3]).toBe('bird,0,5,15')
  })

  it('row-normalises on the toggle: each true class sums to 1, shown as percentages', async () => {
    const w = mount(HeatmapView, { props: { payload: confusion, step: 3, title: 'Confusion matrix' }, global: { stubs } })
    await w.find('[data-testid="heatmap-normalise"]').setValue(true)
    const o = optionOf(w)
    const sums = [0, 0, 0]
    for (const d of o.series[0].data as { value: number[] }[]) sums[d.value[1]] += d.value[2]
    for (const sum of sums) expect(sum).toBeCloseTo(1)
    expect(o.visualMap.max).toBe(1)
    expect(o.series[0].label.formatter({ data: o.series[0].data[0] })).toBe('80%')
    expect(o.tooltip.formatter({ data: o.series[0].data[1] })).toBe('true class cat · predicted class dog: 20% (2 of 10)')
    expect(csvOf(w).rows[0]).toEqual(['cat', 0.8, 0.2, 0])
  })

  it('offers no normalising for a matrix of values, and colours signed values about zero', () => {
    const w = mount(HeatmapView, { props: { payload: { rows: 2, cols: 2, values: [-0.5, 0.25, null, 1] }, step: 0, title: 'S' }, global: { stubs } })
    expect(w.find('[data-testid="heatmap-normalise"]').exists()).toBe(false)
    const o = optionOf(w)
    expect(o.visualMap.min).toBe(-1)
    expect(o.visualMap.max).toBe(1)
    expect(o.series[0].data).toHaveLength(3)
    expect(o.xAxis.data).toEqual(['0', '1'])
  })

  it('draws a 100 × 100 matrix by colour alone', () => {
    const values = Array.from({ length: 10_000 }, (_, i) => i % 97)
    const w = mount(HeatmapView, { props: { payload: { rows: 100, cols: 100, values, format: 'count' }, step: 0, title: 'Big' }, global: { stubs } })
    const o = optionOf(w)
    // One image of 100 × 100 pixels instead of 10 000 ECharts elements; every label's colour on the scale.
    expect(o.series).toHaveLength(1)
    expect(o.series[0].type).toBe('custom')
    const img = drawn.find((d) => d.width === 100)!
    expect(img.height).toBe(100)
    expect(Array.from(img.data.slice((1 * 100 + 1) * 4, (1 * 100 + 1) * 4 + 4))).toEqual([...colourAt(VIRIDIS, Math.round((101 % 97) / 96 * 255) / 255), 255])
    expect(o.visualMap.max).toBe(96)
    // Labels thinned to a round step.
    expect(o.yAxis.axisLabel.interval).toBeGreaterThan(0)
    expect((o.yAxis.axisLabel.interval + 1) % 5).toBe(0)
    expect(csvOf(w).rows[1].slice(0, 3)).toEqual(['1', 100 % 97, 101 % 97])
  })

  it('draws a 500 × 500 matrix of values (more cells than a spread call can take) on a scale of their range', () => {
    const values = Array.from({ length: 250_000 }, (_, i) => (i % 1000) / 10 + 3)
    const w = mount(HeatmapView, { props: { payload: { rows: 500, cols: 500, values, format: 'value' }, step: 0, title: 'Huge' }, global: { stubs } })
    const o = optionOf(w)
    expect(o.visualMap.min).toBe(3)
    expect(o.visualMap.max).toBeCloseTo(102.9)
    expect(drawn.find((d) => d.width === 500)?.height).toBe(500)
  })

  it('says what is wrong with a matrix of the wrong size or labels', async () => {
    const w = mount(HeatmapView, { props: { payload: { rows: 2, cols: 2, values: [1, 2, 3] }, step: 0, title: 'M' }, global: { stubs } })
    expect(w.find('[role="alert"]').text()).toBe('This heatmap cannot be drawn: 3 values for 2 × 2 cells (expected 4).')
    await w.setProps({ payload: { ...confusion, rowLabels: ['a'] } })
    expect(w.find('[role="alert"]').text()).toContain('rowLabels has 1 entries for 3 rows')
  })
})

describe('ImageGridView', () => {
  const grid: ImageGridPayload = { shape: [2, 2, 1], images: b64([0, 64, 128, 255, 255, 0, 0, 255, 10, 20, 30, 40]), captions: ['7 → 1', '3 → 8', '2 → 2'], note: '3 of 187 misclassified test images' }

  it('draws one pixelated canvas per image with its caption, the note as subtitle', () => {
    const w = mount(ImageGridView, { props: { payload: grid, step: 12, title: 'Misclassified' } })
    const canvases = w.findAll('canvas')
    expect(canvases).toHaveLength(3)
    expect(canvases[0].attributes('width')).toBe('2')
    // 2 px images scale up by whole pixels to about 56 px.
    expect(canvases[0].attributes('style')).toContain('width: 56px')
    expect(w.findAll('figcaption').map((f) => f.text())).toEqual(grid.captions)
    expect(w.find('.note').text()).toBe('step 12  ·  3 of 187 misclassified test images')
  })

  it('exports the captions as CSV', async () => {
    const w = mount(ImageGridView, { props: { payload: grid, step: 12, title: 'Misclassified' } })
    await w.findAll('button').find((b) => b.text() === 'CSV')!.trigger('click')
    expect(downloads).toHaveLength(1)
    expect(downloads[0].text).toBe('step,index,caption\n12,0,7 → 1\n12,1,3 → 8\n12,2,2 → 2\n')
  })

  it('shows the empty state and a readable message for a malformed grid', async () => {
    const w = mount(ImageGridView, { props: { payload: null, step: null, title: 'Misclassified' } })
    expect(w.find('[data-testid="view-empty"]').exists()).toBe(true)
    await w.setProps({ payload: { ...grid, captions: ['only one'] } })
    expect(w.find('[role="alert"]').text()).toBe('This image grid cannot be drawn: 1 captions for 3 images.')
    expect(w.findAll('canvas')).toHaveLength(0)
  })
})

describe('TableView', () => {
  const table: TablePayload = {
    columns: [
      { key: 'name', label: 'Layer' },
      { key: 'acc', label: 'Accuracy', percent: true },
      { key: 'n', label: 'Params' }
    ],
    rows: [
      { name: 'conv1', acc: 0.912, n: 160 },
      { name: 'dense', acc: null, n: 50240 },
      { name: 'conv2', acc: 0.9875, n: 4640 }
    ]
  }
  const cells = (w: ReturnType<typeof mount>, col: number) => w.findAll('tbody tr').map((r) => r.findAll('td')[col].text())

  it('shows percent columns as percentages and right-aligns numbers', () => {
    const w = mount(TableView, { props: { payload: table, step: 5, title: 'Layers' } })
    expect(w.findAll('th').map((t) => t.text())).toEqual(['Layer', 'Accuracy', 'Params'])
    expect(cells(w, 1)).toEqual(['91.20%', '', '98.75%'])
    expect(w.findAll('tbody tr')[0].findAll('td').map((t) => t.classes('num'))).toEqual([false, true, true])
  })

  it('sorts by a clicked header, numbers largest first, then the other way; empty cells last', async () => {
    const w = mount(TableView, { props: { payload: table, step: 5, title: 'Layers' } })
    const header = (key: string) => w.find(`[data-sort-key="${key}"]`)
    await header('acc').trigger('click')
    expect(cells(w, 0)).toEqual(['conv2', 'conv1', 'dense'])
    expect(w.findAll('th')[1].attributes('aria-sort')).toBe('descending')
    await header('acc').trigger('click')
    expect(cells(w, 0)).toEqual(['conv1', 'conv2', 'dense'])
    await header('name').trigger('click')
    expect(cells(w, 0)).toEqual(['conv1', 'conv2', 'dense'])
    await header('n').trigger('click')
    expect(cells(w, 2)).toEqual(['50,240', '4,640', '160'])
    await w.findAll('button').find((b) => b.text() === 'CSV')!.trigger('click')
    expect(downloads[0].text).toBe('Layer,Accuracy,Params\ndense,,50240\nconv2,0.9875,4640\nconv1,0.912,160\n')
  })

  it('says what is wrong with a malformed table', () => {
    const w = mount(TableView, { props: { payload: { columns: [{ key: 'a', label: 'A' }], rows: [{ a: { nested: 1 } }] }, step: 0, title: 'T' } })
    expect(w.find('[role="alert"]').text()).toBe('This table cannot be drawn: row 0, column a is {"nested":1} (expected a number, text or null).')
    expect(w.find('table').exists()).toBe(false)
  })
})

describe('VectorView', () => {
  const labels = ['zero', 'one', 'two', 'three']
  const at = (s: number): VectorPayload => ({ values: [0.1 * s, -0.2, null, 1 - 0.1 * s], labels, axis: 'class' })

  it('draws the values as labelled bars and every step as a matrix over steps', async () => {
    const history = [0, 1, 2].map((s) => ({ step: s * 100, payload: at(s) }))
    const w = mount(VectorView, { props: { payload: at(2), step: 200, title: 'Per-class', history }, global: { stubs } })
    const o = optionOf(w)
    expect(o.xAxis[0].data).toEqual(labels)
    expect(o.series[0].data).toEqual([0.2, -0.2, '-', 0.8])
    expect(o.xAxis[0].name).toBe('class')
    expect(o.yAxis[1].data).toEqual(labels)
    expect(o.series[1].type).toBe('custom')
    // Values of both signs: a scale symmetric about zero.
    expect(o.visualMap[0].min).toBe(-1)
    expect(o.visualMap[0].max).toBe(1)
    // The image: a column per step, a row per entry (entry 0 on top); the never-logged entry 2 is transparent.
    const img = drawn.find((d) => d.width === 3)!
    expect(img.height).toBe(4)
    const pixel = (c: number, r: number) => Array.from(img.data.slice((r * 3 + c) * 4, (r * 3 + c) * 4 + 4))
    expect(pixel(1, 2)).toEqual([0, 0, 0, 0])
    expect(pixel(2, 3)[3]).toBe(255)
    expect(pixel(2, 3)).not.toEqual(pixel(0, 3))
    const csv = csvOf(w)
    expect(csv.header).toEqual(['table', 'step', 'index', 'label', 'value'])
    expect(csv.rows[0]).toEqual(['vector', 200, 0, 'zero', 0.2])
    expect(csv.rows.filter((r) => r[0] === 'matrix')).toHaveLength(12)
    expect(csv.text).toContain('matrix,100,3,three,0.9\n')
  })

  it('says nothing is logged yet, and what is wrong with labels of the wrong length', async () => {
    const w = mount(VectorView, { props: { payload: null, step: null, title: 'V' }, global: { stubs } })
    expect(w.find('[data-testid="view-empty"]').exists()).toBe(true)
    await w.setProps({ payload: { values: [1, 2], labels: ['a'] } })
    await nextTick()
    expect(w.find('[role="alert"]').text()).toBe('This vector cannot be drawn: labels has 1 entries for 2 values.')
  })

  it('ignores the props of the compare grid it does not use', () => {
    const w = mount(VectorView, { props: { payload: at(1), step: 100, title: 'run 1', run: { id: 'r1' } } as any, global: { stubs } })
    expect(w.html()).not.toContain('[object Object]')
    expect(optionOf(w).series).toHaveLength(1)
  })
})

describe('BoxPlotView', () => {
  const payload: BoxPlotPayload = {
    xLabel: 'bits',
    yLabel: 'accuracy',
    groups: [
      { label: '2', values: [0.5, 0.1, 0.3] },
      { label: '4', values: [] },
      { label: '8', values: [0.9, 0.95, 0.92, 0.97] }
    ],
    lines: [{ label: 'baseline', value: 0.94 }],
    percent: true
  }

  it('quantiles interpolate linearly between order statistics (numpy\'s default)', () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5)
    expect(quantile([1, 2, 3, 4], 0.25)).toBeCloseTo(1.75, 12)
    expect(quantile([7], 0.75)).toBe(7)
    expect(quantile([], 0.5)).toBeNaN()
    expect(fiveNumbers([0.5, 0.1, 0.3])).toEqual([0.1, 0.2, 0.3, 0.4, 0.5])
    expect(fiveNumbers([])).toBeNull()
  })

  it('draws one box per group from its values, the values as dots, an empty group as a gap, the reference line', () => {
    const w = mount(BoxPlotView, { props: { payload, step: 40, title: 'Accuracy vs bits' }, global: { stubs } })
    const o = optionOf(w)
    expect(o.xAxis.data).toEqual(['2', '4', '8'])
    expect(o.series[0].type).toBe('boxplot')
    expect(o.series[0].data[0]).toEqual([0.1, 0.2, 0.3, 0.4, 0.5])
    expect(o.series[0].data[1]).toEqual([])
    expect(o.series[0].data[2][2]).toBeCloseTo(0.935, 12)
    expect(o.series[1].markLine.data).toEqual([{ name: 'baseline', yAxis: 0.94 }])
    // Unrounded: ECharts would otherwise place the line at the value rounded to 2 decimals.
    expect(o.series[1].markLine.precision).toBeGreaterThanOrEqual(6)
    expect(o.series[1].data).toHaveLength(7)
    expect(o.series[1].data[3]).toEqual([2, 0.9])
    const csv = csvOf(w)
    expect(csv.header).toEqual(['row', 'group', 'n', 'min', 'q1', 'median', 'q3', 'max'])
    expect(csv.rows[0]).toEqual(['box', '2', 3, 0.1, 0.2, 0.3, 0.4, 0.5])
    expect(csv.rows[1]).toEqual(['box', '4', 0, null, null, null, null, null])
    expect(csv.rows.filter((r) => r[0] === 'value')).toHaveLength(7)
    expect(csv.text).toContain('line,baseline,,0.94')
  })

  it('says what is wrong with a malformed payload', async () => {
    expect(boxPlotProblem({ groups: [{ label: 'a', values: [1, 'x'] }] })).toBe('value 1 of group a is "x", not a number')
    expect(boxPlotProblem({ groups: [] })).toMatch(/groups is missing or empty/)
    const w = mount(BoxPlotView, { props: { payload: null, step: null, title: 'B' }, global: { stubs } })
    expect(w.find('[data-testid="view-empty"]').exists()).toBe(true)
    await w.setProps({ payload: { groups: [{ values: [1] }] } })
    await nextTick()
    expect(w.find('[role="alert"]').text()).toBe('This box plot cannot be drawn: group 0 has no label.')
  })
})

describe('CurvesView', () => {
  const payload: CurvesPayload = { xLabel: 'x', yLabel: 'H', x: [-1, 0, 1], series: [{ name: 'flat', y: [1, 1, 1] }, { name: 'gap', y: [2, null, 8] }] }

  it('draws each curve over its own x axis with gaps for nulls; CSV is x and one column per curve', () => {
    const w = mount(CurvesView, { props: { payload, step: 0, title: 'Curvature' }, global: { stubs } })
    const o = optionOf(w)
    expect(o.xAxis.type).toBe('value')
    expect(o.series.map((s: any) => s.name)).toEqual(['flat', 'gap'])
    expect(o.series[1].data).toEqual([[-1, 2], [0, null], [1, 8]])
    expect(o.yAxis.type).toBe('value')
    expect(csvOf(w).text).toBe('x,flat,gap\n-1,1,2\n0,1,\n1,1,8\n')
  })

  it('offers log y only when every value is positive, and starts there when the payload asks', async () => {
    const w = mount(CurvesView, { props: { payload: { ...payload, logY: true }, step: 0, title: 'C' }, global: { stubs } })
    expect(optionOf(w).yAxis.type).toBe('log')
    await w.find('[data-testid="curves-log-y"]').setValue(false)
    expect(optionOf(w).yAxis.type).toBe('value')
    await w.setProps({ payload: { ...payload, logY: true, series: [{ name: 'neg', y: [-1, 0, 1] }] } })
    await nextTick()
    expect(w.find('[data-testid="curves-log-y"]').exists()).toBe(false)
    expect(optionOf(w).yAxis.type).toBe('value')
  })

  it('says what is wrong with a malformed payload', async () => {
    expect(curvesProblem({ x: [1, 2], series: [{ name: 'a', y: [1] }] })).toBe('series a has 1 values for 2 x values')
    expect(curvesProblem({ x: [1, 'b'], series: [] })).toBe('x 1 is "b", not a number')
    const w = mount(CurvesView, { props: { payload: { x: [] }, step: 0, title: 'C' }, global: { stubs } })
    expect(w.find('[role="alert"]').text()).toBe('This chart cannot be drawn: x is missing or empty.')
  })
})
